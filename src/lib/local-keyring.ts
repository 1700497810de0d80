/**
 * Local mode keeps working with no configuration: when SEAL_KEYS is absent, a
 * key ring is generated once into data/seal-keys (mode 0600) and reused.
 * Node and Deno only (it touches the file system).
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { generateKeyEntry, type KeyRing, parseKeyRing } from './seal';

export function loadOrCreateLocalKeyRing(file: string, fromEnv?: string): { ring: KeyRing; source: string } {
  if (fromEnv) return { ring: parseKeyRing(fromEnv), source: 'SEAL_KEYS' };
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `${generateKeyEntry()}\n`, { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  return { ring: parseKeyRing(readFileSync(file, 'utf8').trim()), source: file };
}
