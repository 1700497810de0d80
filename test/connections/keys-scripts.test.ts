import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { connectionKeys, connections } from '../../db/schema';
import { sealCredentials } from '../../src/connections/credentials';
import { ensureOrganization, getOrCreateConnection } from '../../src/connections/store';
import { sealedFormat } from '../../src/lib/envelope';
import { createSealer, generateKeyEntry, parseKeyRing, sealedKid } from '../../src/lib/seal';
import { testDb } from '../helpers/deps';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX = join(ROOT, 'node_modules', '.bin', 'tsx');

async function script(name: string, env: Record<string, string>, args: string[] = []) {
  try {
    const { stdout, stderr } = await run(TSX, [join(ROOT, 'scripts', name), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('npm run keys:generate', () => {
  it('prints one new key ring entry that parses', async () => {
    const { code, stdout, stderr } = await script('keys-generate.ts', {});
    expect(code).toBe(0);
    const entry = stdout.trim();
    expect(entry).toMatch(/^k\d{14}:[\w-]{43}$/);
    expect(parseKeyRing(entry).kids).toHaveLength(1);
    expect(stderr).toContain('keys:rotate');
  });
});

describe('npm run keys:rotate', () => {
  it('re-seals stored credentials under the newest key and reports counts', async () => {
    const { db, url } = await testDb();
    const keyA = generateKeyEntry(Date.UTC(2025, 0, 1));
    const keyB = generateKeyEntry(Date.UTC(2026, 0, 1));
    await ensureOrganization(db, 'local');
    const row = await getOrCreateConnection(db, 'local', 'bluejeans');
    await db.update(connections).set({ state: 'connected' }).where(eq(connections.id, row.id));
    // Sealed the old way (directly under the key ring), as rows written before envelope encryption.
    const sealed = await sealCredentials(
      createSealer(parseKeyRing(keyA)),
      { method: 'client_credentials', appKey: 'k', appSecret: 'the-secret' },
      { orgId: 'local', connectionId: row.id },
    );
    await db.update(connections).set({ sealedCredentials: sealed }).where(eq(connections.id, row.id));

    const rotated = await script('keys-rotate.ts', { DATABASE_URL: url, SEAL_KEYS: `${keyA},${keyB}` });
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toContain('key ring from SEAL_KEYS');
    expect(rotated.stdout).toContain('Credentials: 1 re-sealed, 0 already current');
    expect(rotated.stdout).not.toContain('the-secret');
    expect(rotated.stdout).toContain('Data keys: 0 re-wrapped');
    // Moved into envelope form: under the connection's data key, which is wrapped under the newest key.
    const [after] = await db.select().from(connections).where(eq(connections.id, row.id));
    expect(sealedFormat(after!.sealedCredentials!)).toMatchObject({ version: 2 });
    const [key] = await db.select().from(connectionKeys).where(eq(connectionKeys.connectionId, row.id));
    expect(sealedKid(key!.wrappedKey)).toBe(keyB.split(':')[0]);

    const again = await script('keys-rotate.ts', { DATABASE_URL: url, SEAL_KEYS: keyB });
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Credentials: 0 re-sealed, 1 already current');
    expect(again.stdout).toContain('Data keys: 0 re-wrapped, 1 already current');

    // A later rotation only re-wraps the data key: the sealed credentials stay byte for byte.
    const keyC = generateKeyEntry(Date.UTC(2027, 0, 1));
    const third = await script('keys-rotate.ts', { DATABASE_URL: url, SEAL_KEYS: `${keyB},${keyC}` });
    expect(third.code).toBe(0);
    expect(third.stdout).toContain('Data keys: 1 re-wrapped, 0 already current');
    const [last] = await db.select().from(connections).where(eq(connections.id, row.id));
    expect(last!.sealedCredentials).toBe(after!.sealedCredentials);
    const [rewrapped] = await db.select().from(connectionKeys).where(eq(connectionKeys.connectionId, row.id));
    expect(sealedKid(rewrapped!.wrappedKey)).toBe(keyC.split(':')[0]);
  });

  it('exits 1 naming the connections whose credentials no key can open', async () => {
    const { db, url } = await testDb();
    const keyA = generateKeyEntry(Date.UTC(2025, 0, 1));
    await ensureOrganization(db, 'local');
    const row = await getOrCreateConnection(db, 'local', 'bluejeans');
    const sealed = await sealCredentials(
      createSealer(parseKeyRing(keyA)),
      { method: 'client_credentials', appKey: 'k', appSecret: 's' },
      { orgId: 'local', connectionId: row.id },
    );
    await db.update(connections).set({ sealedCredentials: sealed }).where(eq(connections.id, row.id));
    const res = await script('keys-rotate.ts', {
      DATABASE_URL: url,
      SEAL_KEYS: generateKeyEntry(Date.UTC(2026, 0, 1)),
    });
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('1 unreadable');
    expect(res.stderr).toContain(row.id);
  });

  it('exits 1 with the configuration problem when SEAL_KEYS is malformed', async () => {
    const { url } = await testDb();
    const res = await script('keys-rotate.ts', { DATABASE_URL: url, SEAL_KEYS: 'nonsense' });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain('SEAL_KEYS');
  });
});
