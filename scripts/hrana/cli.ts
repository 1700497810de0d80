/**
 * `npm run db:serve -- [--db data/worker.db] [--port 8080] [--auth-token T] [--no-migrate]`: a local
 * libSQL HTTP endpoint (Hrana v2, what Turso speaks) over an embedded file, with migrations applied, for
 * `wrangler dev` and anything else that reaches its database through `@libsql/client/web`.
 */
import { parseArgs } from 'node:util';
import { serveLocalDatabase } from './local';

const { values } = parseArgs({
  options: {
    db: { type: 'string', default: 'data/worker.db' },
    port: { type: 'string', default: '8080' },
    'auth-token': { type: 'string' },
    'no-migrate': { type: 'boolean', default: false },
  },
  strict: true,
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number (got ${values.port})`);
  process.exit(2);
}

const served = await serveLocalDatabase({
  file: values.db,
  port,
  migrate: !values['no-migrate'],
  ...(values['auth-token'] ? { authToken: values['auth-token'] } : {}),
});
console.log(`libSQL HTTP server on ${served.url} (database file ${served.server.dbPath})`);
const stop = async () => {
  await served.server.close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
