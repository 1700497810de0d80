/**
 * `npm run sync -- --all | --connection <id>`: runs due syncs to completion against DATABASE_URL with the
 * same Deps as the Node entry (migrated database, local key ring), prints a line per connection and
 * exits non-zero if any failed.
 */
import { fileURLToPath } from 'node:url';
import { buildDeps } from '../src/deps';
import { ConfigError, parseEnv } from '../src/env';
import { loadOrCreateLocalKeyRing } from '../src/lib/local-keyring';
import { DatabaseOpenError, openDatabase } from '../src/lib/open-database';
import { parseSyncArgs, runSyncCli } from '../src/sync/cli';
import { settleWebhookDeliveries } from '../src/webhooks/deliver';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const args = parseSyncArgs(process.argv.slice(2));
if (!args.ok) {
  for (const line of args.lines) console.error(line);
  process.exit(2);
}

try {
  const config = parseEnv(process.env);
  const client = await openDatabase(config);
  const keys = loadOrCreateLocalKeyRing(`${ROOT}data/seal-keys`, config.SEAL_KEYS);
  const deps = buildDeps({ config, client, keyRing: keys.ring });
  // Lines print as they come: a wait for another run's lease is announced before it starts.
  const { code } = await runSyncCli(deps, process.argv.slice(2), { print: (line) => console.log(line) });
  // The runs' webhook events leave before the process does (retries wait for the next cron firing).
  await settleWebhookDeliveries(deps);
  client.close();
  process.exit(code);
} catch (err) {
  if (err instanceof ConfigError || err instanceof DatabaseOpenError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
