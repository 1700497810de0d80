/** `npm run db:serve` and `.dev.vars`: the pieces `npm run dev:worker` starts a fresh clone with. */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client/web';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDevVars, parseDevVars } from '../../scripts/dev/dev-vars';
import { serveLocalDatabase } from '../../scripts/hrana/local';
import { parseKeyRing } from '../../src/lib/seal';

const dir = mkdtempSync(join(tmpdir(), 'seatwise-local-db-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('serveLocalDatabase', () => {
  it('creates the file with its folder, applies every migration, and serves it over HTTP', async () => {
    const served = await serveLocalDatabase({ file: join(dir, 'nested', 'worker.db') });
    const client = createClient({ url: served.url });
    try {
      expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(served.migrations).toBeGreaterThan(0);
      const { rows } = await client.execute("SELECT name FROM sqlite_master WHERE name = 'connections'");
      expect(rows.map((r) => r.name)).toEqual(['connections']);
      const applied = await client.execute('SELECT count(*) AS n FROM __drizzle_migrations');
      expect(Number(applied.rows[0]?.n)).toBe(served.migrations);
    } finally {
      client.close();
      await served.server.close();
    }
    // A second start on the same file keeps what is there and applies nothing twice.
    const again = await serveLocalDatabase({ file: join(dir, 'nested', 'worker.db') });
    expect(again.migrations).toBe(served.migrations);
    await again.server.close();
  });

  it('refuses requests without the token when one is set', async () => {
    const served = await serveLocalDatabase({ file: join(dir, 'auth.db'), authToken: 'local-token' });
    try {
      const res = await fetch(`${served.url}/v2/pipeline`, {
        method: 'POST',
        body: JSON.stringify({ baton: null, requests: [] }),
      });
      expect(res.status).toBe(401);
      const ok = createClient({ url: served.url, authToken: 'local-token' });
      expect((await ok.execute('SELECT 1 AS one')).rows[0]?.one).toBe(1);
      ok.close();
    } finally {
      await served.server.close();
    }
  });
});

describe('ensureDevVars', () => {
  it('writes a fresh key ring, readable by its owner only, when there is no file', () => {
    const file = join(dir, 'fresh.dev.vars');
    expect(ensureDevVars(file)).toBe('created');
    const keys = parseDevVars(readFileSync(file, 'utf8')).get('SEAL_KEYS');
    expect(keys).toBeDefined();
    expect(parseKeyRing(keys!).currentKid).toMatch(/^k\d{14}$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('keeps an existing file and its key ring untouched', () => {
    const file = join(dir, 'kept.dev.vars');
    ensureDevVars(file);
    const before = readFileSync(file, 'utf8');
    expect(ensureDevVars(file)).toBe('kept');
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('adds SEAL_KEYS to a file that has other secrets only, keeping them', () => {
    const file = join(dir, 'other.dev.vars');
    writeFileSync(file, 'EMBED_SECRET="a-secret-of-at-least-thirty-two-chars!!"');
    chmodSync(file, 0o644);
    expect(ensureDevVars(file)).toBe('added SEAL_KEYS');
    const vars = parseDevVars(readFileSync(file, 'utf8'));
    expect(vars.get('EMBED_SECRET')).toBe('a-secret-of-at-least-thirty-two-chars!!');
    expect(vars.get('SEAL_KEYS')).toMatch(/^k\d{14}:/);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('refuses a SEAL_KEYS that is not a key ring instead of starting a Worker that answers 500', () => {
    const file = join(dir, 'bad.dev.vars');
    writeFileSync(file, 'SEAL_KEYS=not-a-key\n');
    expect(() => ensureDevVars(file)).toThrow();
    expect(readFileSync(file, 'utf8')).toBe('SEAL_KEYS=not-a-key\n');
  });
});
