/**
 * `npm run export -- --out FILE [--org SLUG]`: writes the organization's full BlueJeans archive (the
 * same zip as GET /export/bluejeans.zip) from DATABASE_URL, with the same Deps as the Node entry.
 */
import { fileURLToPath } from 'node:url';
import { buildDeps } from '../src/deps';
import { ConfigError, parseEnv } from '../src/env';
import { parseExportArgs, runExportCli } from '../src/export/cli';
import { loadOrCreateLocalKeyRing } from '../src/lib/local-keyring';
import { DatabaseOpenError, openDatabase } from '../src/lib/open-database';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

const args = parseExportArgs(process.argv.slice(2));
if (!args.ok) {
  for (const line of args.lines) console.error(line);
  process.exit(2);
}

try {
  const config = parseEnv(process.env);
  const client = await openDatabase(config);
  const keys = loadOrCreateLocalKeyRing(`${ROOT}data/seal-keys`, config.SEAL_KEYS);
  const deps = buildDeps({ config, client, keyRing: keys.ring });
  const { code, lines } = await runExportCli(deps, process.argv.slice(2));
  for (const line of lines) (code === 0 ? console.log : console.error)(line);
  client.close();
  process.exit(code);
} catch (err) {
  if (err instanceof ConfigError || err instanceof DatabaseOpenError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
}
