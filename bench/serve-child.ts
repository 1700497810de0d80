/**
 * The real Node server for bench/usage.bench.ts, in its own process (so the load generator does not
 * share its event loop): opens DATABASE_URL, listens on 127.0.0.1 port 0, prints its URL, stops on
 * SIGTERM or when the parent goes away.
 */
import { startNodeServer } from '../src/node';

const app = await startNodeServer({ port: 0, crons: false, env: { ...process.env, LOG_LEVEL: 'error' } });
console.log(`URL ${app.url}`);
const stop = async () => {
  await app.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
process.once('disconnect', stop);
