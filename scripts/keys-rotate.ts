/**
 * `npm run keys:rotate`: re-wraps every connection's data key under the newest key of
 * the ring (envelope encryption: the secrets sealed under a data key stay as they are),
 * moves any secret still sealed the old way (directly under the ring) under its
 * connection's data key, and reports counts. Afterwards older ring keys can be retired. Safe to
 * run while Seatwise serves requests and syncs: each value is replaced with a
 * compare-and-set, so a concurrent write always wins. Exits 1 if some data keys
 * or credentials could not be opened (their connections need Reconnect).
 *
 * Reads DATABASE_URL / DATABASE_AUTH_TOKEN / SEAL_KEYS like the app; without
 * SEAL_KEYS it uses the local key ring in data/seal-keys.
 */
import { fileURLToPath } from 'node:url';
import { createDb } from '../db/client';
import { resealAll } from '../src/connections/rotate-keys';
import { ConfigError, parseEnv } from '../src/env';
import { loadOrCreateLocalKeyRing } from '../src/lib/local-keyring';
import { DatabaseOpenError, displayUrl, openDatabase } from '../src/lib/open-database';
import { createSealer } from '../src/lib/seal';

const LOCAL_FILE = fileURLToPath(new URL('../data/seal-keys', import.meta.url));

try {
  const config = parseEnv(process.env);
  const client = await openDatabase(config);
  const keys = loadOrCreateLocalKeyRing(LOCAL_FILE, config.SEAL_KEYS);
  const report = await resealAll(createDb(client), createSealer(keys.ring), {
    actor: 'keys:rotate',
    now: Date.now(),
  });
  client.close();
  const { dataKeys: k, credentials: c, tokens: t } = report;
  console.log(
    `Database ${displayUrl(config.DATABASE_URL)}, key ring from ${keys.source}, newest key "${report.kid}".`,
  );
  console.log(
    `Data keys: ${k.rewrapped} re-wrapped, ${k.current} already current, ${k.skipped} changed meanwhile, ${k.unreadable} unreadable.`,
  );
  console.log(
    `Credentials: ${c.resealed} re-sealed, ${c.current} already current, ${c.skipped} changed meanwhile, ${c.unreadable} unreadable.`,
  );
  console.log(
    `Cached tokens: ${t.resealed} re-sealed, ${t.current} already current, ${t.skipped} changed meanwhile, ${t.dropped} unreadable and dropped (minted again when needed).`,
  );
  if (k.unreadable > 0) {
    console.error(
      `Data keys of ${k.unreadable} connection(s) could not be opened with any key in the ring (${k.unreadableConnections.join(', ')}). Put the key they were wrapped with back into SEAL_KEYS and run again, or reconnect those connections.`,
    );
  }
  if (c.unreadable > 0) {
    console.error(
      `Credentials of ${c.unreadable} connection(s) could not be opened with any key in the ring (${c.unreadableConnections.join(', ')}). Put the key they were sealed with back into SEAL_KEYS and run again, or reconnect those connections.`,
    );
  }
  if (k.unreadable > 0 || c.unreadable > 0) process.exit(1);
} catch (err) {
  if (err instanceof ConfigError || err instanceof DatabaseOpenError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
