/**
 * `npm run demo`: the BlueJeans simulator and Seatwise together, Seatwise pointed
 * at the simulator, on its own demo database. Click Connect, paste the demo
 * App Key and App Secret, and see usage; on Licences set a price and reclaim unused seats.
 *
 * Flags: --port (app, 8787), --sim-port (8788), --seed (1), --users (200), --days (30).
 */
import { parseArgs } from 'node:util';
import { startSimServer } from '../sim/server';
import { startNodeServer } from '../src/node';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: process.env.PORT ?? '8787' },
    'sim-port': { type: 'string', default: '8788' },
    seed: { type: 'string', default: '1' },
    users: { type: 'string', default: '200' },
    days: { type: 'string', default: '30' },
  },
});

const sim = await startSimServer({
  port: Number(values['sim-port']),
  seed: Number(values.seed),
  users: Number(values.users),
  days: Number(values.days),
});
const app = await startNodeServer({
  port: Number(values.port),
  env: {
    ...process.env,
    DATABASE_URL: process.env.DATABASE_URL ?? 'file:./data/demo.db',
    BLUEJEANS_API_BASE: sim.url,
    BLUEJEANS_AUTH_BASE: sim.url,
  },
});

const { credentials } = sim.sim;
console.log(`
Seatwise demo
  Seatwise:   ${app.url}   (open this)
  Simulator:  ${sim.url}   (BlueJeans API, seed ${values.seed}, ${values.users} users, ${values.days} days)

Connect with any of:
  App Key / App Secret:     ${credentials.appKey} / ${credentials.appSecret}
  Sign in with BlueJeans:   same App Key / App Secret, then log in as ${credentials.adminUser.username} / ${credentials.adminUser.password}
  Your BlueJeans login:     ${credentials.adminUser.username} / ${credentials.adminUser.password}
  Not an admin (to see the error): ${credentials.plainUser.username} / ${credentials.plainUser.password}

Then: Sync now, and on Licences (${app.url}/licences) set a price per seat to see what unused seats cost.
To reclaim seats: tick "Allow Seatwise to remove users you approve" (consent step or Licences settings),
open Usage filtered to reclaim (${app.url}/usage/users?recommendation=reclaim), tick users, review, confirm.
The simulator then no longer lists them (${sim.url}/__sim/stats shows removedUserIds).

Simulator controls (faults, revoking the app mid-run): ${sim.url}/__sim/info (see sim/README.md)
Press Ctrl+C to stop both.
`);

const stop = async () => {
  await Promise.allSettled([app.close(), sim.close()]);
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
