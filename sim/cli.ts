import { parseArgs } from 'node:util';
import { startSimServer } from './server';

/**
 * `npm run sim -- --port 8788 --seed 1 --users 200 --days 30 [--rate-limit 2] [--fault-rate 0.05]
 * [--token-ttl 3600] [--latency-ms 100] [--malformed-rate 0] [--late-arrival-minutes 0]
 * [--remove-users-per-listing 0] [--meetings-per-day N] [--anchor 2026-01-15] [--host 127.0.0.1]`
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8788' },
    host: { type: 'string', default: '127.0.0.1' },
    seed: { type: 'string', default: '1' },
    users: { type: 'string', default: '200' },
    days: { type: 'string', default: '30' },
    'meetings-per-day': { type: 'string' },
    'rate-limit': { type: 'string', default: '0' },
    'fault-rate': { type: 'string', default: '0' },
    'token-ttl': { type: 'string', default: '3600' },
    'latency-ms': { type: 'string', default: '0' },
    'malformed-rate': { type: 'string', default: '0' },
    'late-arrival-minutes': { type: 'string', default: '0' },
    'remove-users-per-listing': { type: 'string', default: '0' },
    'oauth-disabled': { type: 'boolean', default: false },
    anchor: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
});

if (values.help) {
  console.log(`BlueJeans API simulator

  --port N                      port (default 8788; 0 = any free port)
  --host H                      loopback address (default 127.0.0.1)
  --seed N                      data, token and fault seed (default 1)
  --users N                     enterprise users (default 200)
  --days N                      days of meetings before today (default 30)
  --meetings-per-day N          mean meetings per day (default users x 0.6)
  --rate-limit R                requests/second per caller, 0 = off
  --fault-rate P                share of data requests answered 5xx (0..1)
  --token-ttl S                 access token lifetime in seconds (default 3600)
  --latency-ms MS               added latency per request
  --malformed-rate P            share of data responses with broken JSON (0..1)
  --late-arrival-minutes M      meetings appear up to M minutes after they end
  --remove-users-per-listing N  users removed each time a new user listing starts
  --oauth-disabled              refuse client-credential grants (OAuth Access tab off)
  --anchor YYYY-MM-DD           anchor day of the data set (default today, UTC)`);
  process.exit(0);
}

function num(name: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || value.trim() === '' || !Number.isFinite(n) || n < 0) {
    console.error(`--${name} must be a non-negative number (got ${value})`);
    process.exit(2);
  }
  return n;
}

let anchor: number | undefined;
if (values.anchor !== undefined) {
  anchor = Date.parse(`${values.anchor}T00:00:00Z`);
  if (Number.isNaN(anchor)) {
    console.error(`--anchor must be a date like 2026-01-15 (got ${values.anchor})`);
    process.exit(2);
  }
}

const server = await startSimServer({
  port: num('port', values.port),
  host: values.host,
  seed: num('seed', values.seed),
  users: num('users', values.users),
  days: num('days', values.days),
  ...(values['meetings-per-day'] !== undefined
    ? { meetingsPerDay: num('meetings-per-day', values['meetings-per-day']) }
    : {}),
  rateLimit: num('rate-limit', values['rate-limit']),
  faultRate: num('fault-rate', values['fault-rate']),
  tokenTtlSeconds: num('token-ttl', values['token-ttl']),
  latencyMs: num('latency-ms', values['latency-ms']),
  malformedRate: num('malformed-rate', values['malformed-rate']),
  lateArrivalMinutes: num('late-arrival-minutes', values['late-arrival-minutes']),
  removeUsersPerListing: num('remove-users-per-listing', values['remove-users-per-listing']),
  oauthAccessDisabled: values['oauth-disabled'],
  ...(anchor !== undefined ? { anchor } : {}),
}).catch((err: unknown) => {
  console.error(`Could not start the simulator: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

const { sim, url } = server;
console.log(`BlueJeans simulator listening on ${url}
  enterprise id   ${sim.enterpriseId}
  app key         ${sim.credentials.appKey}
  app secret      ${sim.credentials.appSecret}
  admin login     ${sim.credentials.adminUser.username} / ${sim.credentials.adminUser.password}
  user login      ${sim.credentials.plainUser.username} / ${sim.credentials.plainUser.password}
  spec            ${url}/swagger.yaml
  control         ${url}/__sim/info, /__sim/stats, POST /__sim/faults, POST /__sim/reset`);

const shutdown = () => {
  server.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
