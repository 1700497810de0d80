/**
 * `npm run dev:worker` on a fresh clone: a copy of the repository's files without .dev.vars, data/ or
 * .wrangler/, started with one command. The Worker under `wrangler dev` then walks the demo path
 * against the simulator and the local libSQL HTTP server: connect, consent, Sync now through the local
 * queue until the sync is done, the usage page, and a cron fired through `/__scheduled`.
 */
import { execFileSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@libsql/client/web';
import { afterAll, describe, expect, it } from 'vitest';
import { inputValue } from '../connections/support';
import { freePort, type Spawned, spawnProcess, waitForHttp } from '../helpers/spawn';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const running: Spawned[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The files a clone has (tracked, plus new ones not ignored), with the installed node_modules beside. */
function freshClone(): string {
  const dir = mkdtempSync(join(tmpdir(), 'seatwise-clone-'));
  dirs.push(dir);
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: ROOT })
    .toString()
    .split('\0')
    .filter((f) => f && existsSync(join(ROOT, f)));
  for (const f of files) {
    mkdirSync(dirname(join(dir, f)), { recursive: true });
    cpSync(join(ROOT, f), join(dir, f));
  }
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('npm run dev:worker', () => {
  it('starts the Worker, its database and the simulator in one command, and the demo path completes', async () => {
    const dir = freshClone();
    expect(existsSync(join(dir, '.dev.vars'))).toBe(false);
    const [port, dbPort, simPort, inspector] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    const proc = spawnProcess(
      process.execPath,
      [
        '--import',
        'tsx',
        join(dir, 'scripts/dev-worker.ts'),
        '--port',
        String(port),
        '--db-port',
        String(dbPort),
        '--sim-port',
        String(simPort),
        '--inspector-port',
        String(inspector),
        '--users',
        '12',
        '--days',
        '3',
      ],
      { SEAL_KEYS: '', DATABASE_URL: '' },
    );
    running.push(proc);
    const origin = `http://127.0.0.1:${port}`;
    const home = await waitForHttp(`${origin}/`, proc, 90_000);
    expect(home.status).toBe(200);
    expect(await home.text()).toContain('id="bluejeans-card"');
    // Through wrangler's own asset router: /assets/* run the Worker first (run_worker_first), so they
    // carry the pages' security headers (test/workers/assets.test.ts checks every one of them).
    const asset = await fetch(`${origin}/assets/htmx-4.0.1.min.js`);
    expect(asset.status).toBe(200);
    await asset.arrayBuffer();
    expect(asset.headers.get('x-frame-options')).toBe('DENY');
    expect(asset.headers.get('content-security-policy')).toBe(home.headers.get('content-security-policy'));

    // The generated secrets: a key ring, readable by its owner only.
    const devVars = join(dir, '.dev.vars');
    expect(readFileSync(devVars, 'utf8')).toMatch(/^SEAL_KEYS=k\d{14}:[\w-]{43}$/m);
    expect(statSync(devVars).mode & 0o777).toBe(0o600);
    expect(proc.output()).toContain('.dev.vars created');

    const form = (fields: Record<string, string>) => ({
      method: 'POST',
      headers: { origin, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields),
      redirect: 'manual' as const,
    });
    const verify = await fetch(
      `${origin}/connections/bluejeans`,
      form({ appKey: 'demo-app-key', appSecret: 'demo-app-secret' }),
    );
    expect(verify.status, `${verify.headers.get('location')} ${await verify.clone().text()}`).toBe(200);
    const consent = await verify.text();
    expect(consent).toContain('Allow Seatwise to read this BlueJeans account?');
    const confirm = await fetch(
      `${origin}/connections/bluejeans/confirm`,
      form({ pending: inputValue(consent, 'pending') ?? '' }),
    );
    expect(confirm.status).toBe(303);

    const sync = await fetch(`${origin}/connections/bluejeans/sync`, form({}));
    expect(sync.status).toBeLessThan(400);

    // The local queue carries the slices; the database says when the run is over.
    const db = createClient({ url: `http://127.0.0.1:${dbPort}` });
    try {
      const done = await until('the sync to finish', async () => {
        const { rows } = await db.execute(
          "SELECT state, last_synced_at FROM connections WHERE vendor = 'bluejeans'",
        );
        const row = rows[0];
        return row && row.state === 'connected' && row.last_synced_at != null ? row : undefined;
      });
      expect(done.state).toBe('connected');
      const users = await db.execute('SELECT count(*) AS n FROM bj_users');
      expect(Number(users.rows[0]?.n)).toBe(12);
    } finally {
      db.close();
    }

    const usage = await fetch(`${origin}/usage/users`);
    expect(usage.status).toBe(200);
    expect(await usage.text()).toContain('<table');

    const cron = await fetch(`${origin}/__scheduled?cron=${encodeURIComponent('*/15 * * * *')}`);
    expect(cron.status).toBe(200);
    const health = (await (await fetch(`${origin}/health`)).json()) as { lastCron: { cron: string } | null };
    expect(health.lastCron?.cron).toBe('*/15 * * * *');
  }, 150_000);
});
