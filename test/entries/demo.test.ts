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

describe('npm run demo', () => {
  it('starts the simulator and Seatwise pointed at it, and prints how to connect', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seatwise-demo-'));
    const [port, simPort] = [await freePort(), await freePort()];
    const proc = spawnProcess(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/demo.ts',
        '--port',
        String(port),
        '--sim-port',
        String(simPort),
        '--users',
        '50',
      ],
      { DATABASE_URL: `file:${join(dir, 'demo.db')}`, SEAL_KEYS: generateKeyEntry() },
    );
    running.push(proc);
    const health = await waitForHttp(`http://127.0.0.1:${port}/health`, proc);
    expect(health.status).toBe(200);
    const info = await fetch(`http://127.0.0.1:${simPort}/__sim/info`);
    expect(info.status).toBe(200);
    // The simulator really answers BlueJeans' token endpoint with the printed credentials.
    const token = await fetch(`http://127.0.0.1:${simPort}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: 'demo-app-key',
        client_secret: 'demo-app-secret',
      }),
    });
    expect(token.status).toBe(200);
    await waitForOutput(proc, 'Press Ctrl+C');
    const out = proc.output();
    expect(out).toContain(`http://127.0.0.1:${port}`);
    expect(out).toContain('demo-app-key / demo-app-secret');
  });
});

async function waitForOutput(proc: Spawned, text: string) {
  for (let i = 0; i < 100 && !proc.output().includes(text); i++) await new Promise((r) => setTimeout(r, 100));
}
