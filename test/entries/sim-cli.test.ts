import { afterEach, describe, expect, it } from 'vitest';
import { freePort, type Spawned, spawnProcess, waitForHttp } from '../helpers/spawn';

const running: Spawned[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()));
});

function sim(args: string[]) {
  const proc = spawnProcess(process.execPath, ['--import', 'tsx', 'sim/cli.ts', ...args], {});
  running.push(proc);
  return proc;
}

describe('npm run sim', () => {
  it('prints its base URL and the demo credentials, and applies the fault flags it was given', async () => {
    const port = await freePort();
    const proc = sim([
      '--port',
      String(port),
      '--seed',
      '1',
      '--users',
      '20',
      '--days',
      '3',
      '--token-ttl',
      '120',
    ]);
    const info = await waitForHttp(`http://127.0.0.1:${port}/__sim/info`, proc);
    expect(info.status).toBe(200);
    for (let i = 0; i < 50 && !proc.output().includes('control'); i++)
      await new Promise((r) => setTimeout(r, 100));
    const out = proc.output();
    expect(out).toContain(`listening on http://127.0.0.1:${port}`);
    expect(out).toMatch(/app key\s+demo-app-key/);
    expect(out).toMatch(/app secret\s+demo-app-secret/);
    const token = await fetch(`http://127.0.0.1:${port}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: 'demo-app-key',
        client_secret: 'demo-app-secret',
      }),
    });
    expect(((await token.json()) as { expires_in: number }).expires_in).toBe(120);
  });

  it('answers 429 with Retry-After under --rate-limit', async () => {
    const port = await freePort();
    const proc = sim(['--port', String(port), '--users', '20', '--days', '3', '--rate-limit', '1']);
    await waitForHttp(`http://127.0.0.1:${port}/__sim/info`, proc);
    const grant = () =>
      fetch(`http://127.0.0.1:${port}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'client_credentials',
          client_id: 'demo-app-key',
          client_secret: 'demo-app-secret',
        }),
      });
    const { access_token: token, scope } = (await (await grant()).json()) as {
      access_token: string;
      scope: { enterprise: number };
    };
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/v1/enterprise/${scope.enterprise}/users?pageSize=5`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers.get('retry-after');
    }
    expect(statuses).toContain(429);
    expect(Number(retryAfter)).toBeGreaterThan(0);
  });

  it('refuses a bad flag value with a message and exit code 2', async () => {
    const proc = sim(['--port', 'abc']);
    expect(await proc.exited).toBe(2);
    expect(proc.output()).toMatch(/--port/);
  });
});
