/**
 * After Disconnect, no sealed blob of the connection may open with the key ring from any byte of the
 * embedded database: the file, its write-ahead log or its shared-memory index (free pages, old frames).
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { compactDecrypt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/env';
import { openDatabase } from '../../src/lib/open-database';
import { runSlice } from '../../src/sync/slice';
import { connectWithAppKey, simApp } from './support';

const JWE = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g;

/** Every JWE compact string in the database's files that the key ring opens. */
async function openableBlobs(
  path: string,
  ring: { kids: readonly string[]; key(kid: string): Uint8Array | undefined },
) {
  const found: string[] = [];
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file).toString('latin1');
    for (const m of text.matchAll(JWE)) {
      let kid: string | undefined;
      try {
        kid = decodeProtectedHeader(m[0]).kid;
      } catch {
        continue;
      }
      const key = kid ? ring.key(kid) : undefined;
      if (!key) continue;
      try {
        await compactDecrypt(m[0], key);
        found.push(`${file}: ${m[0].slice(0, 24)}…`);
      } catch {
        // damaged or not ours
      }
    }
  }
  return found;
}

describe('Disconnect erases for real', () => {
  it('leaves no openable sealed secret in the database, WAL or shm files', async () => {
    const s = await simApp();
    const path = s.deps.dbUrl.slice('file:'.length);
    // As openDatabase leaves the embedded file (see the test below).
    await s.deps.db.run(sql`PRAGMA journal_mode = WAL`);
    await s.deps.db.run(sql`PRAGMA secure_delete = ON`);
    const connected = await connectWithAppKey(s);
    // A sync slice caches a sealed access token too.
    await runSlice(s.deps, { connectionId: connected.id, trigger: 'manual', options: { requestBudget: 3 } });
    // Before: the secrets are there (the scan can see them).
    expect((await openableBlobs(path, s.deps.sealer.ring)).length).toBeGreaterThan(0);

    const res = await s.post('/connections/bluejeans/disconnect', { data: 'keep' });
    expect(res.status).toBe(303);
    expect(await openableBlobs(path, s.deps.sealer.ring)).toEqual([]);
  });

  it('opens the embedded file with secure_delete on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seatwise-sd-'));
    const client = await openDatabase(parseEnv({ DATABASE_URL: `file:${join(dir, 'x.db')}` }));
    const rows = await client.execute('PRAGMA secure_delete');
    expect(Number(Object.values(rows.rows[0] ?? {})[0])).toBe(1);
    client.close();
  });
});
