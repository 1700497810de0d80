/**
 * After Disconnect, no sealed blob of the connection may open with the key ring from any byte of the
 * embedded database: the file, its write-ahead log or its shared-memory index (free pages, old frames).
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { base64url, compactDecrypt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import { connectionKeys, connections, connectionTokens } from '../../db/schema';
import { openCredentials, sealCredentials } from '../../src/connections/credentials';
import { parseEnv } from '../../src/env';
import { sealedFormat } from '../../src/lib/envelope';
import { openDatabase } from '../../src/lib/open-database';
import { SealError } from '../../src/lib/seal';
import { connectionVault } from '../../src/lib/vault';
import { runSlice } from '../../src/sync/slice';
import { connectWithAppKey, simApp } from './support';

const JWE = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g;

/**
 * Every JWE compact string in the database's files that the key ring opens, directly (values sealed
 * the old way, wrapped data keys) or through a data key any of those files yields (envelope values).
 */
async function openableBlobs(
  path: string,
  ring: { kids: readonly string[]; key(kid: string): Uint8Array | undefined },
) {
  const found: string[] = [];
  const blobs: { file: string; jwe: string; header: Record<string, unknown> }[] = [];
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    if (!existsSync(file)) continue;
    const text = readFileSync(file).toString('latin1');
    for (const m of text.matchAll(JWE)) {
      try {
        blobs.push({ file, jwe: m[0], header: decodeProtectedHeader(m[0]) as Record<string, unknown> });
      } catch {
        // not a JWE header
      }
    }
  }
  const dataKeys: Uint8Array[] = [];
  for (const b of blobs) {
    const key = typeof b.header.kid === 'string' ? ring.key(b.header.kid) : undefined;
    if (!key) continue;
    try {
      const { plaintext } = await compactDecrypt(b.jwe, key);
      found.push(`${b.file}: ring ${String(b.header.pur)} ${b.jwe.slice(0, 24)}…`);
      if (String(b.header.pur).startsWith('data-key:'))
        dataKeys.push(base64url.decode(new TextDecoder().decode(plaintext)));
    } catch {
      // damaged or not ours
    }
  }
  for (const b of blobs) {
    if (b.header.v !== 2) continue;
    for (const key of dataKeys) {
      try {
        await compactDecrypt(b.jwe, key);
        found.push(`${b.file}: data key ${String(b.header.pur)} ${b.jwe.slice(0, 24)}…`);
        break;
      } catch {
        // another connection's key, or damaged
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
    // Before: the secrets are there (the scan sees the wrapped data key and, through it, the credentials
    // and the cached token).
    const before = await openableBlobs(path, s.deps.sealer.ring);
    expect(before.some((b) => b.includes('ring data-key:'))).toBe(true);
    expect(before.some((b) => b.includes('data key credentials'))).toBe(true);
    expect(before.some((b) => b.includes('data key token'))).toBe(true);

    const res = await s.post('/connections/bluejeans/disconnect', { data: 'keep' });
    expect(res.status).toBe(303);
    expect(await openableBlobs(path, s.deps.sealer.ring)).toEqual([]);
  });

  it('a copy of the sealed secrets taken before Disconnect no longer opens, even with the full key ring', async () => {
    const s = await simApp();
    const connected = await connectWithAppKey(s);
    await runSlice(s.deps, { connectionId: connected.id, trigger: 'manual', options: { requestBudget: 3 } });
    const binding = { orgId: connected.orgId, connectionId: connected.id };
    // What an attacker could keep from a backup, a replica or a free page: the ciphertexts themselves.
    const credentials = (await s.connection()).sealedCredentials!;
    const [token] = await s.deps.db.select().from(connectionTokens);
    expect(sealedFormat(credentials)).toMatchObject({ version: 2 });
    expect(sealedFormat(token!.sealedToken)).toMatchObject({ version: 2 });
    // Before: they open (with the connection's data key, unwrapped by the ring).
    expect(await openCredentials(s.deps.db, s.deps.sealer, binding, credentials)).toMatchObject({
      appSecret: s.sim.credentials.appSecret,
    });

    const res = await s.post('/connections/bluejeans/disconnect', { data: 'keep' });
    expect(res.status).toBe(303);
    expect(await s.deps.db.select().from(connectionKeys)).toEqual([]);
    const vault = connectionVault(s.deps.db, s.deps.sealer, binding);
    await expect(vault.unseal(credentials, 'credentials')).rejects.toThrow(/data key .* destroyed/);
    await expect(vault.unseal(token!.sealedToken, 'token')).rejects.toThrow(SealError);
    // Nor does any key of the ring open them directly.
    for (const kid of s.deps.sealer.ring.kids) {
      for (const blob of [credentials, token!.sealedToken]) {
        await expect(compactDecrypt(blob, s.deps.sealer.ring.key(kid)!)).rejects.toThrow();
      }
    }
    // And nothing can be sealed for it again until it is connected anew.
    await expect(vault.seal('x', 'token')).rejects.toThrow(/disconnected/);
  });

  it('a connection sealed the old way (before envelope encryption) syncs, and moves under a data key then', async () => {
    const s = await simApp();
    const connected = await connectWithAppKey(s);
    const binding = { orgId: connected.orgId, connectionId: connected.id };
    // Stage the row as an older Seatwise wrote it: credentials directly under the ring, no data key.
    const credentials = await openCredentials(
      s.deps.db,
      s.deps.sealer,
      binding,
      connected.sealedCredentials!,
    );
    const legacy = await sealCredentials(s.deps.sealer, credentials, binding);
    await s.deps.db.delete(connectionKeys);
    await s.deps.db.update(connections).set({ sealedCredentials: legacy });
    expect(sealedFormat(legacy)).toMatchObject({ version: 1 });

    const result = await runSlice(s.deps, { connectionId: connected.id, trigger: 'manual' });
    expect(['done', 'continue']).toContain(result.status);
    const after = await s.connection();
    expect(sealedFormat(after.sealedCredentials!)).toMatchObject({ version: 2 });
    expect(await s.deps.db.select().from(connectionKeys)).toHaveLength(1);
    expect(await openCredentials(s.deps.db, s.deps.sealer, binding, after.sealedCredentials!)).toEqual(
      credentials,
    );
    const [token] = await s.deps.db.select().from(connectionTokens);
    expect(sealedFormat(token!.sealedToken)).toMatchObject({ version: 2 });
  });

  it('opens the embedded file with secure_delete on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seatwise-sd-'));
    const client = await openDatabase(parseEnv({ DATABASE_URL: `file:${join(dir, 'x.db')}` }));
    const rows = await client.execute('PRAGMA secure_delete');
    expect(Number(Object.values(rows.rows[0] ?? {})[0])).toBe(1);
    client.close();
  });
});
