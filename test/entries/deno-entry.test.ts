import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { denoNetAllowList } from '../../scripts/deno/net-allow';
import { startSimServer } from '../../sim/server';
import { generateKeyEntry } from '../../src/lib/seal';
import { freePort, type Spawned, spawnProcess, waitForHttp } from '../helpers/spawn';

const running: Spawned[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});

describe('Deno entry', () => {
  it('starts with Deno.serve, migrates its database, answers / and /health, and reaches the configured BlueJeans host', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seatwise-deno-'));
    const port = await freePort();
    // The simulator listens on 127.0.0.1 but is configured by another name: only an --allow-net built from
    // the configuration lets the app reach it (127.0.0.1 alone is refused "Requires net access to localhost").
    const sim = await startSimServer({ seed: 3, users: 5, days: 3 });
    const base = sim.url.replace('127.0.0.1', 'localhost');
    try {
      const proc = spawnProcess('node_modules/deno/deno', ['task', 'start'], {
        PORT: String(port),
        DATABASE_URL: `file:${join(dir, 'seatwise.db')}`,
        SEAL_KEYS: generateKeyEntry(),
        BLUEJEANS_API_BASE: base,
        BLUEJEANS_AUTH_BASE: base,
        NO_COLOR: '1',
      });
      running.push(proc);
      const health = await waitForHttp(`http://127.0.0.1:${port}/health`, proc, 120_000);
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ok', db: { ok: true } });
      const page = await fetch(`http://127.0.0.1:${port}/`);
      expect(await page.text()).toContain('bluejeans-card');
      expect(proc.output()).toContain('(Deno) listening');
      expect(proc.output()).toContain(`Deno network access: 127.0.0.1, ${new URL(base).host}`);

      const origin = `http://127.0.0.1:${port}`;
      const verify = await fetch(`${origin}/connections/bluejeans`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ appKey: 'demo-app-key', appSecret: 'demo-app-secret' }),
      });
      expect(verify.status).toBe(200);
      expect(await verify.text()).toContain('Allow Seatwise to read this BlueJeans account?');
      expect(proc.output()).not.toContain('Requires net access');
    } finally {
      await sim.close();
    }
  }, 150_000);
});

describe('Deno network permission', () => {
  it('covers loopback, the BlueJeans hosts, the database host and the key sets of the configuration', () => {
    expect(denoNetAllowList({})).toEqual(['127.0.0.1', 'api.bluejeans.com', 'bluejeans.com']);
    expect(
      denoNetAllowList({
        BLUEJEANS_API_BASE: 'https://api.bj.example:8443/',
        BLUEJEANS_AUTH_BASE: 'https://bj.example',
        DATABASE_URL: 'libsql://seatwise-acme.turso.io?authToken=secret',
        AUTH_MODE: 'access',
        ACCESS_TEAM_DOMAIN: 'acme.cloudflareaccess.com',
        EMBED_JWKS_URL: 'https://portal.example/.well-known/jwks.json',
        DENO_ALLOW_NET: 'hooks.example.com, 10.0.0.5:8080',
      }),
    ).toEqual([
      '127.0.0.1',
      'api.bj.example:8443',
      'bj.example',
      'seatwise-acme.turso.io',
      'acme.cloudflareaccess.com',
      'portal.example',
      'hooks.example.com',
      '10.0.0.5:8080',
    ]);
  });

  it('adds nothing for an embedded database file, and never a secret', () => {
    const list = denoNetAllowList({ DATABASE_URL: 'file:./data/seatwise.db', DATABASE_AUTH_TOKEN: 'tok' });
    expect(list).toEqual(['127.0.0.1', 'api.bluejeans.com', 'bluejeans.com']);
    expect(denoNetAllowList({ DATABASE_URL: 'libsql://db.turso.io?authToken=tok' }).join()).not.toContain(
      'tok',
    );
  });
});
