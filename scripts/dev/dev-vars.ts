/**
 * `.dev.vars` for `wrangler dev`: the secrets a deployed Worker gets from `wrangler secret put`. A fresh
 * clone has none, so `npm run dev:worker` writes one with a generated SEAL_KEYS (mode 0600, git-ignored);
 * an existing file is kept as it is, and only a missing SEAL_KEYS line is appended.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { generateKeyEntry, parseKeyRing } from '../../src/lib/seal';

export type DevVarsResult = 'created' | 'added SEAL_KEYS' | 'kept';

/** Reads `KEY=value` lines (dotenv style, `#` comments, optional quotes). */
export function parseDevVars(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const value = line
      .slice(eq + 1)
      .trim()
      .replace(/^(['"])(.*)\1$/, '$2');
    vars.set(line.slice(0, eq).trim(), value);
  }
  return vars;
}

/** Makes sure `file` holds a valid SEAL_KEYS; throws when an existing one is not a key ring. */
export function ensureDevVars(file: string): DevVarsResult {
  const header = '# Local secrets for `wrangler dev` (never committed). Written by npm run dev:worker.\n';
  if (!existsSync(file)) {
    writeFileSync(file, `${header}SEAL_KEYS=${generateKeyEntry()}\n`, { mode: 0o600, flag: 'wx' });
    return 'created';
  }
  const text = readFileSync(file, 'utf8');
  const existing = parseDevVars(text).get('SEAL_KEYS');
  if (existing) {
    // A broken key ring would only surface as a 500 on the first request: say so now.
    parseKeyRing(existing);
    return 'kept';
  }
  const sep = text === '' || text.endsWith('\n') ? '' : '\n';
  writeFileSync(file, `${text}${sep}SEAL_KEYS=${generateKeyEntry()}\n`);
  chmodSync(file, 0o600);
  return 'added SEAL_KEYS';
}
