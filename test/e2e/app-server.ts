/**
 * The Node build as the browser tests run it: 127.0.0.1, no crons, a fresh embedded file in a temporary
 * folder and a new key ring. With a simulator it talks BlueJeans through it; `env` adds or overrides.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateKeyEntry } from '../../src/lib/seal';
import { type NodeServer, startNodeServer } from '../../src/node';

export interface AppServerOptions {
  /** The simulator's base URL, used for both the API and the sign-in host. */
  simUrl?: string;
  env?: Record<string, string>;
}

export function startAppServer(name: string, options: AppServerOptions = {}): Promise<NodeServer> {
  const dir = mkdtempSync(join(tmpdir(), `seatwise-e2e-${name}-`));
  return startNodeServer({
    port: 0,
    crons: false,
    env: {
      DATABASE_URL: `file:${join(dir, 'e2e.db')}`,
      SEAL_KEYS: generateKeyEntry(),
      ...(options.simUrl ? { BLUEJEANS_API_BASE: options.simUrl, BLUEJEANS_AUTH_BASE: options.simUrl } : {}),
      ...options.env,
    },
  });
}
