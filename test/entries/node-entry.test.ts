import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateKeyEntry } from '../../src/lib/seal';
import { freePort, type Spawned, spawnProcess, waitForHttp } from '../helpers/spawn';

const running: Spawned[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});

function startNode(env: Record<string, string>) {
  const proc = spawnProcess(process.execPath, ['--import', 'tsx', 'src/node.ts'], env);
  running.push(proc);
  return proc;
}

describe('Node entry', () => {
  it('starts on 127.0.0.1, creates the database folder, migrates, serves / and /health and assets', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seatwise-node-'));
    const port = await freePort();
    const proc = startNode({
      PORT: String(port),
      DATABASE_URL: `file:${join(dir, 'nested', 'seatwise.db')}`,
      SEAL_KEYS: generateKeyEntry(),
    });
    const health = await waitForHttp(`http://127.0.0.1:${port}/health`, proc);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', db: { ok: true } });
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('bluejeans-card');
    const htmx = await fetch(`http://127.0.0.1:${port}/assets/htmx-4.0.1.min.js`);
    expect(htmx.status).toBe(200);
    expect(htmx.headers.get('cache-control')).toContain('immutable');
    const missing = await fetch(`http://127.0.0.1:${port}/no/such/page`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain('Page not found');
    expect(proc.output()).toContain(`listening on http://127.0.0.1:${port}`);
  });

  it('refuses bad configuration with one message naming every bad variable, and no stack trace', async () => {
    const proc = startNode({
      PORT: 'eighty',
      AUTH_MODE: 'open',
      BLUEJEANS_API_BASE: 'ftp://x',
      SEAL_KEYS: 'nope',
    });
    const code = await proc.exited;
    expect(code).toBe(1);
    const out = proc.output();
    expect(out).toContain('Invalid configuration');
    for (const name of ['PORT', 'AUTH_MODE', 'BLUEJEANS_API_BASE', 'SEAL_KEYS']) expect(out).toContain(name);
    expect(out).not.toMatch(/\n\s+at /);
  });

  it('names the database URL and the reason when it cannot be opened', async () => {
    // A regular file where a folder should be: the database can never be created there.
    const dir = mkdtempSync(join(tmpdir(), 'seatwise-node-'));
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, 'x');
    const url = `file:${join(blocker, 'seatwise.db')}`;
    const proc = startNode({
      PORT: String(await freePort()),
      DATABASE_URL: url,
      SEAL_KEYS: generateKeyEntry(),
    });
    expect(await proc.exited).toBe(1);
    expect(proc.output()).toContain(`Cannot open database at ${url}`);
    expect(proc.output()).not.toMatch(/\n\s+at /);
  });
});
