import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { connections, connectionTokens } from '../../db/schema';
import { listAudit } from '../../src/connections/audit';
import {
  parsePublicConfig,
  sealCredentials,
  storeRotatedCredentials,
  unsealCredentials,
} from '../../src/connections/credentials';
import { resealAll, TOKEN_PURPOSE } from '../../src/connections/rotate-keys';
import { ensureOrganization, getOrCreateConnection } from '../../src/connections/store';
import type { Credentials } from '../../src/connectors/types';
import { loadOrCreateLocalKeyRing } from '../../src/lib/local-keyring';
import { createSealer, generateKeyEntry, parseKeyRing, SealError, sealedKid } from '../../src/lib/seal';
import { testDb } from '../helpers/deps';

const APP: Credentials = { method: 'client_credentials', appKey: 'key-1', appSecret: 'very-secret-value' };

const KEY_A = generateKeyEntry(Date.UTC(2025, 0, 1));
const KEY_B = generateKeyEntry(Date.UTC(2026, 0, 1));

async function twoConnections() {
  const { db } = await testDb();
  await ensureOrganization(db, 'org1');
  await ensureOrganization(db, 'org2');
  const one = await getOrCreateConnection(db, 'org1', 'bluejeans');
  const two = await getOrCreateConnection(db, 'org2', 'bluejeans');
  return { db, one, two };
}

describe('sealed credentials', () => {
  it('round-trip, bound to organization and connection, never in clear text', async () => {
    const sealer = createSealer(parseKeyRing(KEY_A));
    const binding = { orgId: 'org1', connectionId: 'con_1' };
    const sealed = await sealCredentials(sealer, APP, binding);
    expect(sealed).not.toContain('very-secret-value');
    expect(sealed.split('.')).toHaveLength(5);
    expect(await unsealCredentials(sealer, sealed, binding)).toEqual(APP);
  });

  it('refuse to open in another row, another organization or for another purpose', async () => {
    const sealer = createSealer(parseKeyRing(KEY_A));
    const sealed = await sealCredentials(sealer, APP, { orgId: 'org1', connectionId: 'con_1' });
    await expect(
      unsealCredentials(sealer, sealed, { orgId: 'org1', connectionId: 'con_2' }),
    ).rejects.toBeInstanceOf(SealError);
    await expect(
      unsealCredentials(sealer, sealed, { orgId: 'org2', connectionId: 'con_1' }),
    ).rejects.toBeInstanceOf(SealError);
    await expect(
      sealer.unseal(sealed, { orgId: 'org1', connectionId: 'con_1', purpose: 'pending' }),
    ).rejects.toThrow(SealError);
  });

  it('refuse an unknown key id and a tampered value', async () => {
    const sealed = await sealCredentials(createSealer(parseKeyRing(KEY_A)), APP, {
      orgId: 'o',
      connectionId: 'c',
    });
    const other = createSealer(parseKeyRing(KEY_B));
    await expect(unsealCredentials(other, sealed, { orgId: 'o', connectionId: 'c' })).rejects.toThrow(
      /unknown key id/,
    );
    const parts = sealed.split('.');
    parts[3] = `${parts[3]!.startsWith('A') ? 'B' : 'A'}${parts[3]!.slice(1)}`;
    await expect(
      unsealCredentials(createSealer(parseKeyRing(KEY_A)), parts.join('.'), {
        orgId: 'o',
        connectionId: 'c',
      }),
    ).rejects.toThrow(/failed authentication/);
  });

  it('a sealed value copied into another connection row does not open there', async () => {
    const { db, one, two } = await twoConnections();
    const sealer = createSealer(parseKeyRing(KEY_A));
    const sealed = await sealCredentials(sealer, APP, { orgId: one.orgId, connectionId: one.id });
    await db.update(connections).set({ sealedCredentials: sealed }).where(eq(connections.id, two.id));
    await expect(
      unsealCredentials(sealer, sealed, { orgId: two.orgId, connectionId: two.id }),
    ).rejects.toBeInstanceOf(SealError);
  });

  it('unreadable public config reads as empty', () => {
    expect(parsePublicConfig('not json')).toEqual({});
    expect(parsePublicConfig('{"appKey": 5}')).toEqual({});
    expect(parsePublicConfig(null)).toEqual({});
  });
});

describe('key rotation (resealAll)', () => {
  it('re-seals credentials and cached tokens under the newest key, audits, and is idempotent', async () => {
    const { db, one, two } = await twoConnections();
    const oldSealer = createSealer(parseKeyRing(KEY_A));
    for (const row of [one, two]) {
      const sealed = await sealCredentials(oldSealer, APP, { orgId: row.orgId, connectionId: row.id });
      await db.update(connections).set({ sealedCredentials: sealed }).where(eq(connections.id, row.id));
    }
    const token = await oldSealer.seal('{"accessToken":"t"}', {
      orgId: one.orgId,
      connectionId: one.id,
      purpose: TOKEN_PURPOSE,
    });
    await db.insert(connectionTokens).values({ connectionId: one.id, sealedToken: token, expiresAt: 1 });

    const newSealer = createSealer(parseKeyRing(`${KEY_A},${KEY_B}`));
    const report = await resealAll(db, newSealer, { actor: 'keys:rotate', now: 5 });
    expect(report.kid).toBe(newSealer.ring.currentKid);
    expect(report.credentials).toMatchObject({ resealed: 2, current: 0, unreadable: 0, skipped: 0 });
    expect(report.tokens).toMatchObject({ resealed: 1, current: 0, unreadable: 0, dropped: 0 });

    const onlyNew = createSealer(parseKeyRing(KEY_B));
    for (const row of await db.select().from(connections)) {
      expect(sealedKid(row.sealedCredentials!)).toBe(onlyNew.ring.currentKid);
      expect(
        await unsealCredentials(onlyNew, row.sealedCredentials!, { orgId: row.orgId, connectionId: row.id }),
      ).toEqual(APP);
    }
    const [cached] = await db.select().from(connectionTokens);
    expect(
      await onlyNew.unseal(cached!.sealedToken, { orgId: one.orgId, connectionId: one.id, purpose: 'token' }),
    ).toBe('{"accessToken":"t"}');
    const audit = await listAudit(db, { orgId: 'org1' });
    expect(audit[0]).toMatchObject({ action: 'keys.rotated', actor: 'keys:rotate' });
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({ connectionsRekeyed: 1, cachesRekeyed: 1 });

    const again = await resealAll(db, newSealer, { actor: 'keys:rotate', now: 6 });
    expect(again.credentials).toMatchObject({ resealed: 0, current: 2 });
    expect(again.tokens).toMatchObject({ resealed: 0, current: 1 });
  });

  it('reports credentials it cannot open (key removed too early), drops unreadable cached tokens', async () => {
    const { db, one } = await twoConnections();
    const oldSealer = createSealer(parseKeyRing(KEY_A));
    const sealed = await sealCredentials(oldSealer, APP, { orgId: one.orgId, connectionId: one.id });
    await db.update(connections).set({ sealedCredentials: sealed }).where(eq(connections.id, one.id));
    const token = await oldSealer.seal('{}', {
      orgId: one.orgId,
      connectionId: one.id,
      purpose: TOKEN_PURPOSE,
    });
    await db.insert(connectionTokens).values({ connectionId: one.id, sealedToken: token, expiresAt: 1 });

    const report = await resealAll(db, createSealer(parseKeyRing(KEY_B)), { actor: 'keys:rotate', now: 1 });
    expect(report.credentials).toMatchObject({ resealed: 0, unreadable: 1, unreadableConnections: [one.id] });
    expect(report.tokens).toMatchObject({ unreadable: 1, dropped: 1 });
    const [row] = await db.select().from(connections).where(eq(connections.id, one.id));
    expect(row!.sealedCredentials).toBe(sealed);
    expect(await db.select().from(connectionTokens)).toHaveLength(0);
  });

  it('a value moved to another row is unreadable there, even with the right key', async () => {
    const { db, one, two } = await twoConnections();
    const sealer = createSealer(parseKeyRing(KEY_A));
    const sealed = await sealCredentials(sealer, APP, { orgId: one.orgId, connectionId: one.id });
    await db.update(connections).set({ sealedCredentials: sealed }).where(eq(connections.id, two.id));
    const report = await resealAll(db, createSealer(parseKeyRing(`${KEY_A},${KEY_B}`)), {
      actor: 'k',
      now: 1,
    });
    expect(report.credentials).toMatchObject({ unreadable: 1, unreadableConnections: [two.id] });
  });
});

describe('storeRotatedCredentials (a refresh token BlueJeans rotated)', () => {
  const OAUTH: Credentials = { method: 'oauth', appKey: 'k', appSecret: 's', refreshToken: 'r1' };

  it('replaces the stored refresh token of the same app', async () => {
    const { db, one } = await twoConnections();
    const sealer = createSealer(parseKeyRing(KEY_A));
    const binding = { orgId: one.orgId, connectionId: one.id };
    await db
      .update(connections)
      .set({ sealedCredentials: await sealCredentials(sealer, OAUTH, binding) })
      .where(eq(connections.id, one.id));
    expect(await storeRotatedCredentials(db, sealer, binding, { ...OAUTH, refreshToken: 'r2' })).toBe(true);
    const [row] = await db.select().from(connections).where(eq(connections.id, one.id));
    expect(await unsealCredentials(sealer, row!.sealedCredentials!, binding)).toMatchObject({
      refreshToken: 'r2',
    });
  });

  it('leaves credentials alone after a reconnect to another app, or a disconnect', async () => {
    const { db, one } = await twoConnections();
    const sealer = createSealer(parseKeyRing(KEY_A));
    const binding = { orgId: one.orgId, connectionId: one.id };
    await db
      .update(connections)
      .set({ sealedCredentials: await sealCredentials(sealer, APP, binding) })
      .where(eq(connections.id, one.id));
    expect(await storeRotatedCredentials(db, sealer, binding, { ...OAUTH, refreshToken: 'r2' })).toBe(false);
    await db.update(connections).set({ sealedCredentials: null }).where(eq(connections.id, one.id));
    expect(await storeRotatedCredentials(db, sealer, binding, { ...OAUTH, refreshToken: 'r2' })).toBe(false);
  });
});

describe('local key ring (no SEAL_KEYS)', () => {
  it('is generated once with mode 0600 and reused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seatwise-keys-'));
    const file = join(dir, 'nested', 'seal-keys');
    const first = loadOrCreateLocalKeyRing(file);
    expect(first.source).toBe(file);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = loadOrCreateLocalKeyRing(file);
    expect(second.ring.currentKid).toBe(first.ring.currentKid);
    expect(second.ring.key(first.ring.currentKid)).toEqual(first.ring.key(first.ring.currentKid));
  });

  it('restores 0600 if the file was loosened, and SEAL_KEYS wins over the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seatwise-keys-'));
    const file = join(dir, 'seal-keys');
    writeFileSync(file, `${KEY_A}\n`, { mode: 0o644 });
    const ring = loadOrCreateLocalKeyRing(file).ring;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(ring.currentKid).toBe(KEY_A.split(':')[0]);
    const fromEnv = loadOrCreateLocalKeyRing(file, KEY_B);
    expect(fromEnv.source).toBe('SEAL_KEYS');
    expect(fromEnv.ring.currentKid).toBe(KEY_B.split(':')[0]);
    expect(readFileSync(file, 'utf8').trim()).toBe(KEY_A);
  });
});
