/**
 * `npm run dev:worker`: the Worker under `wrangler dev` on a fresh clone, in one command.
 * 1. writes a git-ignored `.dev.vars` with a generated SEAL_KEYS when there is none;
 * 2. migrates an embedded database file and serves it over libSQL's HTTP protocol (as Turso would);
 * 3. starts the BlueJeans simulator (unless `--no-sim`: then the Worker talks to wrangler.toml's hosts);
 * 4. starts `wrangler dev --test-scheduled` pointed at both (`curl http://127.0.0.1:8787/__scheduled`
 *    fires the cron). Ctrl+C stops everything.
 *
 * Flags: --port (8787), --db (data/worker.db), --db-port (8080), --sim-port (8788), --no-sim,
 * --seed (1), --users (200), --days (30), --inspector-port (wrangler's default).
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startSimServer } from '../sim/server';
import { ensureDevVars } from './dev/dev-vars';
import { serveLocalDatabase } from './hrana/local';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    // Relative to the repository, like .dev.vars, wherever the command is started from.
    db: { type: 'string', default: `${ROOT}data/worker.db` },
    'db-port': { type: 'string', default: '8080' },
    'sim-port': { type: 'string', default: '8788' },
    'no-sim': { type: 'boolean', default: false },
    seed: { type: 'string', default: '1' },
    users: { type: 'string', default: '200' },
    days: { type: 'string', default: '30' },
    'inspector-port': { type: 'string' },
  },
  strict: true,
});

function port(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    console.error(`--${name} must be a port number between 1 and 65535 (got ${value})`);
    process.exit(2);
  }
  return n;
}

const workerPort = port('port', values.port);
const devVars = `${ROOT}.dev.vars`;
let devVarsResult: string;
try {
  devVarsResult = ensureDevVars(devVars);
} catch (err) {
  console.error(`.dev.vars: ${(err as Error).message}. Fix SEAL_KEYS there or delete the file.`);
  process.exit(1);
}

const db = await serveLocalDatabase({ file: values.db, port: port('db-port', values['db-port']) });
const sim = values['no-sim']
  ? undefined
  : await startSimServer({
      port: port('sim-port', values['sim-port']),
      seed: Number(values.seed),
      users: Number(values.users),
      days: Number(values.days),
    });

const vars = [`DATABASE_URL:${db.url}`];
if (sim) vars.push(`BLUEJEANS_API_BASE:${sim.url}`, `BLUEJEANS_AUTH_BASE:${sim.url}`);
const args = ['dev', '--test-scheduled', '--ip', '127.0.0.1', '--port', String(workerPort)];
if (values['inspector-port'])
  args.push('--inspector-port', String(port('inspector-port', values['inspector-port'])));
for (const v of vars) args.push('--var', v);

console.log(`
Seatwise on Workers (wrangler dev)
  Worker:     http://127.0.0.1:${workerPort}   (open this once wrangler says Ready)
  Database:   ${db.url}   (libSQL HTTP over ${db.server.dbPath}, ${db.migrations} migrations applied)
  Simulator:  ${sim ? `${sim.url}   (App Key ${sim.sim.credentials.appKey} / App Secret ${sim.sim.credentials.appSecret})` : 'off (--no-sim)'}
  Secrets:    .dev.vars ${devVarsResult}
  Cron:       curl "http://127.0.0.1:${workerPort}/__scheduled?cron=*/15+*+*+*+*"
Press Ctrl+C to stop.
`);

const wrangler = spawn(`${ROOT}node_modules/.bin/wrangler`, args, {
  cwd: ROOT,
  stdio: 'inherit',
  // No telemetry, and no fetch of the `Request.cf` placeholder from the internet (offline is fine).
  env: { CLOUDFLARE_CF_FETCH_ENABLED: 'false', ...process.env, WRANGLER_SEND_METRICS: 'false' },
});

let stopping = false;
const closeServers = () => Promise.allSettled([db.server.close(), sim?.close()]);
const stop = (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  wrangler.kill(signal);
};
process.once('SIGINT', () => stop('SIGINT'));
process.once('SIGTERM', () => stop('SIGTERM'));
wrangler.once('exit', async (code) => {
  await closeServers();
  process.exit(stopping ? 0 : (code ?? 1));
});
