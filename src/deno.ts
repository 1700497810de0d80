/**
 * Deno entry: Deno.serve + Deno.cron, same app and schedules as the others.
 * Run with `deno task start` (deno.json); the database is the embedded file by
 * default or remote libSQL when DATABASE_URL says so.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { serveStatic } from 'hono/deno';
import { createApp } from './app';
import { buildDeps } from './deps';
import { ConfigError, parseEnv } from './env';
import { loadOrCreateLocalKeyRing } from './lib/local-keyring';
import { DatabaseOpenError, openDatabase } from './lib/open-database';
import { withStaticAssets } from './lib/serve-assets';
import { parseWranglerCrons } from './lib/wrangler-crons';
import { resumeReclaimJobs } from './reclaim/runner';
import { resumeInterruptedSyncs } from './sync/interrupted';
import { runScheduled } from './sync/scheduler';

declare const Deno: {
  env: { toObject(): Record<string, string> };
  exit(code: number): never;
  serve(
    options: {
      hostname: string;
      port: number;
      onListen?: (addr: { hostname: string; port: number }) => void;
    },
    handler: (req: Request, info: { remoteAddr: { hostname: string } }) => Response | Promise<Response>,
  ): unknown;
  cron(name: string, schedule: string, handler: () => Promise<void>): Promise<void>;
  unrefTimer(id: number): void;
};

const ROOT = fileURLToPath(new URL('..', import.meta.url));

async function main() {
  const config = parseEnv(Deno.env.toObject());
  const client = await openDatabase(config);
  const keys = loadOrCreateLocalKeyRing(`${ROOT}data/seal-keys`, config.SEAL_KEYS);
  const deps = buildDeps({
    config,
    client,
    keyRing: keys.ring,
    // Webhook retries on an unreferenced timer (the cron sweep is the backstop).
    defer: (ms, fn) => {
      Deno.unrefTimer(setTimeout(fn, ms) as unknown as number);
    },
  });

  const server = withStaticAssets(createApp(deps), serveStatic({ root: `${ROOT}public` }), deps);

  parseWranglerCrons(readFileSync(`${ROOT}wrangler.toml`, 'utf8')).forEach((expr, i) => {
    // Deno cron names allow only letters, digits, spaces, hyphens and underscores.
    void Deno.cron(`seatwise cron ${i + 1}`, expr, () => runScheduled(deps, expr, Date.now()));
  });

  // Syncs a killed process left `syncing` resume now, not at the next cron (after their lease lapses).
  void resumeInterruptedSyncs(deps);
  void resumeReclaimJobs(deps).catch((err) => deps.logger.error('reclaim: resume failed', { err }));

  Deno.serve(
    {
      hostname: '127.0.0.1',
      port: config.PORT,
      onListen: ({ port }) =>
        console.log(`Seatwise ${deps.version} (Deno) listening on http://127.0.0.1:${port}`),
    },
    server.fetch,
  );
}

main().catch((err) => {
  if (err instanceof ConfigError || err instanceof DatabaseOpenError) {
    console.error(err.message);
    Deno.exit(1);
  }
  throw err;
});
