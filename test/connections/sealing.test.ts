import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { connectionKeys, connections, connectionTokens } from '../../db/schema';
import { listAudit } from '../../src/connections/audit';
import {
  openAndUpgradeCredentials,
  openCredentials,
  parsePublicConfig,
  sealCredentials,
  sealCredentialsIn,
  storeRotatedCredentials,
  unsealCredentialsIn,
  upgradeSealedCredentials,
} from '../../src/connections/credentials';
import { resealAll, TOKEN_PURPOSE } from '../../src/connections/rotate-keys';
import { ensureOrganization, getOrCreateConnection } from '../../src/connections/store';
import type { Credentials } from '../../src/connectors/types';
import { sealedFormat } from '../../src/lib/envelope';
import { loadOrCreateLocalKeyRing } from '../../src/lib/local-keyring';
import { createSealer, generateKeyEntry, parseKeyRing, SealError, sealedKid } from '../../src/lib/seal';
import { connectionVault, prepareDataKey, storeDataKey } from '../../src/lib/vault';
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

/** A connected connection row (state and credentials staged) in a fresh database. */
async function connectedPair() {
  const { db, one, two } = await twoConnections();
  await db.update(connections).set({ state: 'connected' });
  return { db, one, two };
}

const bindingOf = (row: { orgId: string; id: string }) => ({ orgId: row.orgId, connectionId: row.id });

describe('sealed credentials (envelope encryption)', () => {
  it("round-trip under the connection's own data key, bound to it, never in clear text", async () => {
    const { db, one } = await connectedPair();
    const sealer = createSealer(parseKeyRing(KEY_A));
    const vault = connectionVault(db, sealer, bindingOf(one));
    const sealed = await sealCredentialsIn(vault, APP);
    expect(sealed).not.toContain('very-secret-value');
    expect(sealed.split('.')).toHaveLength(5);
    // Version 2: names its data key, not a ring key, so the ring alone cannot open it.
    expect(sealedFormat(sealed)).toMatchObject({ version: 2 });
    expect(sealedKid(sealed)).toBeUndefined();
    await expect(sealer.unseal(sealed, { ...bindingOf(one), purpose: 'credentials' })).rejects.toThrow(
      SealError,
    );
    expect(await unsealCredentialsIn(vault, sealed)).toEqual(APP);
    const [key] = await db.select().from(connectionKeys).where(eq(connectionKeys.connectionId, one.id));
    expect(sealedFormat(sealed)).toEqual({ version: 2, dataKeyId: key!.keyId });
    expect(sealedKid(key!.wrappedKey)).toBe(sealer.ring.currentKid);
  });

  it('refuse to open in another row, another organization or for another purpose', async () => {
    const { db, one, two } = await connectedPair();
    const sealer = createSealer(parseKeyRing(KEY_A));
    const sealed = await sealCredentialsIn(connectionVault(db, sealer, bindingOf(one)), APP);
    await expect(
      unsealCredentialsIn(connectionVault(db, sealer, bindingOf(two)), sealed),
    ).rejects.toBeInstanceOf(SealError);
    await expect(
      unsealCredentialsIn(connectionVault(db, sealer, { orgId: two.orgId, connectionId: one.id }), sealed),
    ).rejects.toBeInstanceOf(SealError);
    await expect(connectionVault(db, sealer, bindingOf(one)).unseal(sealed, 'pending')).rejects.toThrow(
      SealError,
    );
  });

  it('refuse a tampered value, and a data key wrapped under a key the ring lacks', async () => {
    const { db, one } = await connectedPair();
    const sealed = await sealCredentialsIn(
      connectionVault(db, createSealer(parseKeyRing(KEY_A)), bindingOf(one)),
      APP,
    );
    const parts = sealed.split('.');
    parts[3] = `${parts[3]!.startsWith('A') ? 'B' : 'A'}${parts[3]!.slice(1)}`;
    await expect(
      unsealCredentialsIn(
        connectionVault(db, createSealer(parseKeyRing(KEY_A)), bindingOf(one)),
        parts.join('.'),
      ),
    ).rejects.toThrow(/failed authentication/);
    await expect(
      unsealCredentialsIn(connectionVault(db, createSealer(parseKeyRing(KEY_B)), bindingOf(one)), sealed),
    ).rejects.toThrow(/unknown key id/);
  });

  it('a sealed value (or a wrapped data key) copied into another connection row does not open there', async () => {
    const { db, one, two } = await connectedPair();
    const sealer = createSealer(parseKeyRing(KEY_A));
    const sealed = await sealCredentialsIn(connectionVault(db, sealer, bindingOf(one)), APP);
    await db.update(connections).set({ sealedCredentials: sealed }).where(eq(connections.id, two.id));
    await expect(
      unsealCredentialsIn(connectionVault(db, sealer, bindingOf(two)), sealed),
    ).rejects.toBeInstanceOf(SealError);
    // Even with one's data key row copied over to two.
    const [key] = await db.select().from(connectionKeys).where(eq(connectionKeys.connectionId, one.id));
    await db.insert(connectionKeys).values({ ...key!, connectionId: two.id });
    await expect(
      unsealCredentialsIn(connectionVault(db, sealer, bindingOf(two)), sealed),
    ).rejects.toBeInstanceOf(SealError);
  });

  it('new credentials get a new data key: values sealed under the old one stop opening', async () => {
    const { db, one } = await connectedPair();
    const sealer = createSealer(parseKeyRing(KEY_A));
    const old = await connectionVault(db, sealer, bindingOf(one)).seal('{"accessToken":"t"}', TOKEN_PURPOSE);
    const fresh = await prepareDataKey(sealer, bindingOf(one));
    await storeDataKey(db, one.id, fresh);
    await expect(connectionVault(db, sealer, bindingOf(one)).unseal(old, TOKEN_PURPOSE)).rejects.toThrow(
      /data key this connection no longer has/,
    );
  });

  it('nothing is sealed for a disconnected connection (a late sync cannot bring a key back)', async () => {
    const { db, one } = await twoConnections();
    const vault = connectionVault(db, createSealer(parseKeyRing(KEY_A)), bindingOf(one));
    await expect(vault.seal('x', TOKEN_PURPOSE)).rejects.toThrow(/disconnected/);
    expect(await db.select().from(connectionKeys)).toHaveLength(0);
  });

  it('unreadable public config reads as empty', () => {
    expect(parsePublicConfig('not json')).toEqual({});
    expect(parsePublicConfig('{"appKey": 5}')).toEqual({});
    expect(parsePublicConfig(null)).toEqual({});
  });
});

describe('backfill: credentials sealed the old way (directly under the key ring)', () => {
  it('still open, and move under a data key on first use, compare-and-set on the old value', async () => {
    const { db, one } = await connectedPair();
    const sealer = createSealer(parseKeyRing(KEY_A));
    const legacy = await sealCredentials(sealer, APP, bindingOf(one));
    expect(sealedFormat(legacy)).toMatchObject({ version: 1, kid: sealer.ring.currentKid });
    await db.update(connections).set({ sealedCredentials: legacy }).where(eq(connections.id, one.id));

    expect(await openCredentials(db, sealer, bindingOf(one), legacy)).toEqual(APP);
    expect(await db.select().from(connectionKeys)).toHaveLength(0);
    expect(await openAndUpgradeCredentials(db, sealer, bindingOf(one), legacy)).toEqual(APP);
    const [row] = await db.select().from(connections).where(eq(connections.id, one.id));
    expect(sealedFormat(row!.sealedCredentials!)).toMatchObject({ version: 2 });
    expect(await openCredentials(db, sealer, bindingOf(one), row!.sealedCredentials!)).toEqual(APP);
    expect(await db.select().from(connectionKeys)).toHaveLength(1);

    // A second, stale upgrade (the row changed meanwhile) never overwrites the newer value.
    const vault = connectionVault(db, sealer, bindingOf(one));
    expect(await upgradeSealedCredentials(db, vault, legacy, APP)).toBe(false);
    const [after] = await db.select().from(connections).where(eq(connections.id, one.id));
    expect(after!.sealedCredentials).toBe(row!.sealedCredentials);
  });
});

describe('key rotation (resealAll)', () => {
  it('re-wraps data keys under the newest key without re-sealing the secrets; idempotent; audited', async () => {
    const { db, one, two } = await connectedPair();
    const oldSealer = createSealer(parseKeyRing(KEY_A));
    const before = new Map<string, string>();
    for (const row of [one, two]) {
      const sealed = await sealCredentialsIn(connectionVault(db, oldSealer, bindingOf(row)), APP);
      await db.update(connections).set({ sealedCredentials: sealed }).where(eq(connections.id, row.id));
      before.set(row.id, sealed);
    }
    const token = await connectionVault(db, oldSealer, bindingOf(one)).seal(
      '{"accessToken":"t"}',
      TOKEN_PURPOSE,
    );
    await db.insert(connectionTokens).values({ connectionId: one.id, sealedToken: token, expiresAt: 1 });

    const newSealer = createSealer(parseKeyRing(`${KEY_A},${KEY_B}`));
    const report = await resealAll(db, newSealer, { actor: 'keys:rotate', now: 5 });
    expect(report.kid).toBe(newSealer.ring.currentKid);
    expect(report.dataKeys).toMatchObject({ rewrapped: 2, current: 0, unreadable: 0, skipped: 0 });
    expect(report.credentials).toMatchObject({ resealed: 0, current: 2, unreadable: 0, skipped: 0 });
    expect(report.tokens).toMatchObject({ resealed: 0, current: 1, unreadable: 0, dropped: 0 });

    const onlyNew = createSealer(parseKeyRing(KEY_B));
    for (const row of await db.select().from(connections)) {
      expect(row.sealedCredentials).toBe(before.get(row.id));
      expect(await openCredentials(db, onlyNew, bindingOf(row), row.sealedCredentials!)).toEqual(APP);
    }
    for (const key of await db.select().from(connectionKeys)) {
      expect(sealedKid(key.wrappedKey)).toBe(onlyNew.ring.currentKid);
      expect(key.rewrappedAt).toBe(5);
    }
    const [cached] = await db.select().from(connectionTokens);
    expect(await connectionVault(db, onlyNew, bindingOf(one)).unseal(cached!.sealedToken, 'token')).toBe(
      '{"accessToken":"t"}',
    );
    const audit = await listAudit(db, { orgId: 'org1' });
    expect(audit[0]).toMatchObject({ action: 'keys.rotated', actor: 'keys:rotate' });
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({ dataKeysRewrapped: 1, connectionsRekeyed: 0 });

    const again = await resealAll(db, newSealer, { actor: 'keys:rotate', now: 6 });
    expect(again.dataKeys).toMatchObject({ rewrapped: 0, current: 2 });
    expect(again.credentials).toMatchObject({ resealed: 0, current: 2 });
  });

  it('moves credentials and cached tokens sealed the old way into envelope form, audits, and is idempotent', async () => {
    const { db, one, two } = await connectedPair();
    const oldSealer = createSealer(parseKeyRing(KEY_A));
    for (const row of [one, two]) {
      const sealed = await sealCredentials(oldSealer, APP, bindingOf(row));
      await db.update(connections).set({ sealedCredentials: sealed }).where(eq(connections.id, row.id));
    }
    const token = await oldSealer.seal('{"accessToken":"t"}', { ...bindingOf(one), purpose: TOKEN_PURPOSE });
    await db.insert(connectionTokens).values({ connectionId: one.id, sealedToken: token, expiresAt: 1 });

    const newSealer = createSealer(parseKeyRing(`${KEY_A},${KEY_B}`));
    const report = await resealAll(db, newSealer, { actor: 'keys:rotate', now: 5 });
    expect(report.credentials).toMatchObject({ resealed: 2, current: 0, unreadable: 0, skipped: 0 });
    expect(report.tokens).toMatchObject({ resealed: 1, current: 0, unreadable: 0, dropped: 0 });

    const onlyNew = createSealer(parseKeyRing(KEY_B));
    for (const row of await db.select().from(connections)) {
      expect(sealedFormat(row.sealedCredentials!)).toMatchObject({ version: 2 });
      expect(await openCredentials(db, onlyNew, bindingOf(row), row.sealedCredentials!)).toEqual(APP);
    }
    const [cached] = await db.select().from(connectionTokens);
    expect(await connectionVault(db, onlyNew, bindingOf(one)).unseal(cached!.sealedToken, 'token')).toBe(
      '{"accessToken":"t"}',
    );
    const audit = await listAudit(db, { orgId: 'org1' });
    expect(audit[0]).toMatchObject({ action: 'keys.rotated', actor: 'keys:rotate' });
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({ connectionsRekeyed: 1, cachesRekeyed: 1 });

    const again = await resealAll(db, newSealer, { actor: 'keys:rotate', now: 6 });
    expect(again.credentials).toMatchObject({ resealed: 0, current: 2 });
    expect(again.tokens).toMatchObject({ resealed: 0, current: 1 });
  });

  it('reports credentials it cannot open (key removed too early), drops unreadable cached tokens', async () => {
    const { db, one } = await connectedPair();
    const oldSealer = createSealer(parseKeyRing(KEY_A));
    const sealed = await sealCredentials(oldSealer, APP, bindingOf(one));
    await db.update(connections).set({ sealedCredentials: sealed }).where(eq(connections.id, one.id));
    const token = await oldSealer.seal('{}', { ...bindingOf(one), purpose: TOKEN_PURPOSE });
    await db.insert(connectionTokens).values({ connectionId: one.id, sealedToken: token, expiresAt: 1 });

    const report = await resealAll(db, createSealer(parseKeyRing(KEY_B)), { actor: 'keys:rotate', now: 1 });
    expect(report.credentials).toMatchObject({ resealed: 0, unreadable: 1, unreadableConnections: [one.id] });
    expect(report.tokens).toMatchObject({ unreadable: 1, dropped: 1 });
    const [row] = await db.select().from(connections).where(eq(connections.id, one.id));
    expect(row!.sealedCredentials).toBe(sealed);
    expect(await db.select().from(connectionTokens)).toHaveLength(0);
  });

  it('reports a data key wrapped under a removed ring key and leaves it alone', async () => {
    const { db, one } = await connectedPair();
    await sealCredentialsIn(connectionVault(db, createSealer(parseKeyRing(KEY_A)), bindingOf(one)), APP);
    const [key] = await db.select().from(connectionKeys);
    const report = await resealAll(db, createSealer(parseKeyRing(KEY_B)), { actor: 'k', now: 1 });
    expect(report.dataKeys).toMatchObject({ rewrapped: 0, unreadable: 1, unreadableConnections: [one.id] });
    expect(await db.select().from(connectionKeys)).toEqual([key]);
  });

  it('a value moved to another row is unreadable there, even with the right key', async () => {
    const { db, one, two } = await connectedPair();
    const sealer = createSealer(parseKeyRing(KEY_A));
    const sealed = await sealCredentials(sealer, APP, bindingOf(one));
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
    const { db, one } = await connectedPair();
    const sealer = createSealer(parseKeyRing(KEY_A));
    const binding = { orgId: one.orgId, connectionId: one.id };
    await db
      .update(connections)
      .set({ sealedCredentials: await sealCredentials(sealer, OAUTH, binding) })
      .where(eq(connections.id, one.id));
    expect(await storeRotatedCredentials(db, sealer, binding, { ...OAUTH, refreshToken: 'r2' })).toBe(true);
    const [row] = await db.select().from(connections).where(eq(connections.id, one.id));
    // Written in envelope form, whatever form it replaced.
    expect(sealedFormat(row!.sealedCredentials!)).toMatchObject({ version: 2 });
    expect(await openCredentials(db, sealer, binding, row!.sealedCredentials!)).toMatchObject({
      refreshToken: 'r2',
    });
  });

  it('leaves credentials alone after a reconnect to another app, or a disconnect', async () => {
    const { db, one } = await connectedPair();
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
