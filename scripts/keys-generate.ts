/**
 * `npm run keys:generate`: prints a new key ring entry (`kid:key`) on stdout.
 *
 * Rotate: append the entry to SEAL_KEYS (comma-separated, oldest first; the last
 * key seals), deploy, then run `npm run keys:rotate`. Once it reports nothing
 * left under an old key, that key can be removed.
 *
 * `--local` appends the entry to data/seal-keys instead (the key ring local mode
 * generates when SEAL_KEYS is absent), keeping the file's 0600 mode.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateKeyEntry, parseKeyRing } from '../src/lib/seal';

const LOCAL_FILE = fileURLToPath(new URL('../data/seal-keys', import.meta.url));

const { values } = parseArgs({ options: { local: { type: 'boolean', default: false } } });
const entry = generateKeyEntry();
const kid = entry.slice(0, entry.indexOf(':'));

if (!values.local) {
  console.log(entry);
  console.error(
    `New key "${kid}". Append it to SEAL_KEYS (comma-separated, newest last), deploy, then run npm run keys:rotate.`,
  );
} else {
  if (!existsSync(LOCAL_FILE)) {
    console.error(
      `${LOCAL_FILE} does not exist yet: start Seatwise once (npm start) to create the local key ring.`,
    );
    process.exit(1);
  }
  const current = readFileSync(LOCAL_FILE, 'utf8').trim();
  const next = `${current},${entry}`;
  try {
    // Refuses a duplicate kid (two keys generated within the same second) before anything is written.
    parseKeyRing(next);
  } catch (err) {
    console.error(`Not written: ${(err as Error).message}. Run the command again.`);
    process.exit(1);
  }
  writeFileSync(LOCAL_FILE, `${next}\n`, { mode: 0o600 });
  chmodSync(LOCAL_FILE, 0o600);
  console.log(`Added key "${kid}" to ${LOCAL_FILE}. Restart Seatwise, then run npm run keys:rotate.`);
}
