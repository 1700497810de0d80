import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateKeyEntry } from '../../src/lib/seal';
import { freePort, type Spawned, spawnProcess, waitForHttp } from '../helpers/spawn';

const running: Spawned[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});

describe('Deno entry', () => {
  it('starts with Deno.serve, migrates its database and answers / and /health', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seatwise-deno-'));
    const port = await freePort();
    const proc = spawnProcess('node_modules/deno/deno', ['task', 'start'], {
      PORT: String(port),
      DATABASE_URL: `file:${join(dir, 'seatwise.db')}`,
      SEAL_KEYS: generateKeyEntry(),
      NO_COLOR: '1',
    });
    running.push(proc);
    const health = await waitForHttp(`http://127.0.0.1:${port}/health`, proc, 120_000);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', db: { ok: true } });
    const page = await fetch(`http://127.0.0.1:${port}/`);
    expect(await page.text()).toContain('bluejeans-card');
    expect(proc.output()).toContain('(Deno) listening');
  }, 150_000);
});
