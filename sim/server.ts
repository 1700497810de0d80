import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createSimulator } from './app';
import type { SimOptions, Simulator } from './types';

/** Options of the Node server: simulator options plus where to listen. */
export type SimServerOptions = SimOptions & { port?: number; host?: string };

/** A listening simulator. */
export interface SimServer {
  url: string;
  close(): Promise<void>;
  sim: Simulator;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

/** Reads the bundled copy of swagger.yaml (served at GET /swagger.yaml). */
export async function readBundledSpec(): Promise<string | undefined> {
  try {
    return await readFile(new URL('./spec/swagger.yaml', import.meta.url), 'utf8');
  } catch {
    return undefined;
  }
}

/** Starts the simulator on Node, on loopback only (port 0 picks a free port). */
export async function startSimServer(opts: SimServerOptions = {}): Promise<SimServer> {
  const host = opts.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) throw new Error(`The simulator only listens on loopback; refusing host ${host}`);
  const specYaml = opts.specYaml ?? (await readBundledSpec());
  const sim = createSimulator({ ...opts, ...(specYaml !== undefined ? { specYaml } : {}) });
  const { server, port } = await new Promise<{ server: ReturnType<typeof serve>; port: number }>(
    (resolve, reject) => {
      const s = serve({ fetch: sim.fetch, port: opts.port ?? 0, hostname: host }, (info: AddressInfo) =>
        resolve({ server: s, port: info.port }),
      );
      s.once('error', reject);
    },
  );
  const urlHost = host === '::1' ? '[::1]' : host;
  return {
    url: `http://${urlHost}:${port}`,
    sim,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Keep-alive sockets would hold close() open; end them first.
        if ('closeAllConnections' in server && typeof server.closeAllConnections === 'function') {
          server.closeAllConnections();
        }
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
