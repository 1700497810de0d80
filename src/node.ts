/**
 * Node entry: embedded libSQL file, migrations at start, static assets, and the
 * crons declared in wrangler.toml run in process. Listens on 127.0.0.1 only.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import { Cron } from 'croner';
import { createApp } from './app';
import type { FetchLike } from './connectors/types';
import { buildDeps, type Deps } from './deps';
import { ConfigError, parseEnv } from './env';
import { loadOrCreateLocalKeyRing } from './lib/local-keyring';
import { DatabaseOpenError, openDatabase } from './lib/open-database';
import { withStaticAssets } from './lib/serve-assets';
import { parseWranglerCrons } from './lib/wrangler-crons';
import { resumeReclaimJobs } from './reclaim/runner';
import { resumeInterruptedSyncs } from './sync/interrupted';
import { runScheduled } from './sync/scheduler';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface NodeServer {
  url: string;
  deps: Deps;
  close(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string | undefined>;
  /** Overrides PORT (0 picks a free port). */
  port?: number;
  fetch?: FetchLike;
  crons?: boolean;
}

/** Starts Seatwise on Node; resolves once it listens. */
export async function startNodeServer(options: StartOptions = {}): Promise<NodeServer> {
  const env = options.env ?? process.env;
  const config = parseEnv(env);
  const client = await openDatabase(config);
  const keys = loadOrCreateLocalKeyRing(`${ROOT}data/seal-keys`, config.SEAL_KEYS);
  const deps = buildDeps({
    config,
    client,
    keyRing: keys.ring,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    // Webhook retries wait on a timer that never keeps the process alive (the cron sweep is the backstop).
    defer: (ms, fn) => {
      setTimeout(fn, ms).unref();
    },
  });

  const server = withStaticAssets(createApp(deps), serveStatic({ root: `${ROOT}public` }), deps);

  const crons =
    options.crons === false
      ? []
      : parseWranglerCrons(readFileSync(`${ROOT}wrangler.toml`, 'utf8')).map(
          (expr) =>
            new Cron(
              expr,
              { protect: true, catch: (err) => deps.logger.error('cron failed', { cron: expr, err }) },
              () => runScheduled(deps, expr, Date.now()),
            ),
        );

  // Syncs a killed process left `syncing` resume now, not at the next cron (after their lease lapses).
  const stopResuming = new AbortController();
  if (options.crons !== false) void resumeInterruptedSyncs(deps, stopResuming.signal);
  // Reclaim jobs a killed process left unfinished continue too (each waits out the dead lease).
  if (options.crons !== false) {
    void resumeReclaimJobs(deps).catch((err) => deps.logger.error('reclaim: resume failed', { err }));
  }

  const port = options.port ?? config.PORT;
  const http = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: server.fetch, hostname: '127.0.0.1', port }, () => resolve(s));
  });
  const address = http.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    deps,
    close: async () => {
      for (const c of crons) c.stop();
      stopResuming.abort();
      await new Promise<void>((resolve) => http.close(() => resolve()));
      client.close();
    },
  };
}

async function main() {
  try {
    const app = await startNodeServer();
    console.log(`Seatwise ${app.deps.version} listening on ${app.url}`);
    const stop = async () => {
      await app.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (err) {
    if (err instanceof ConfigError || err instanceof DatabaseOpenError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) void main();
