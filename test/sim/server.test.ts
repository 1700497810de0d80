import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startSimServer } from '../../sim/server';
import { repoRoot } from './helpers';

describe('the Node server', () => {
  it('listens on loopback, serves the spec and the API, and closes', async () => {
    const server = await startSimServer({ port: 0, seed: 3, users: 30, days: 2 });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const spec = await fetch(`${server.url}/swagger.yaml`);
      expect(spec.status).toBe(200);
      expect(await spec.text()).toContain('BlueJeans Meetings REST API');
      const token = await fetch(`${server.url}/oauth2/token?Client`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'client_credentials',
          client_id: 'demo-app-key',
          client_secret: 'demo-app-secret',
        }),
      });
      expect(token.status).toBe(200);
      const { access_token } = (await token.json()) as { access_token: string };
      const users = await fetch(`${server.url}/v1/enterprise/${server.sim.enterpriseId}/users?pageSize=5`, {
        headers: { authorization: `Bearer ${access_token}` },
      });
      expect(users.status).toBe(200);
      expect(((await users.json()) as { user: unknown[] }).user).toHaveLength(5);
      // A malformed-body fault on the wire: the declared length matches the broken body.
      server.sim.control.setFaults({ malformedRate: 1 });
      const broken = await fetch(`${server.url}/v1/enterprise/${server.sim.enterpriseId}/users?pageSize=5`, {
        headers: { authorization: `Bearer ${access_token}` },
      });
      const text = await broken.text();
      expect(() => JSON.parse(text)).toThrow();
    } finally {
      await server.close();
    }
  });

  it('refuses to listen beyond loopback', async () => {
    await expect(startSimServer({ port: 0, host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });
});

describe('runtime neutrality', () => {
  it('the app imports no node: modules (only server.ts and cli.ts may)', () => {
    const simDir = path.join(repoRoot, 'sim');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const full = path.join(dir, name);
        if (statSync(full).isDirectory()) walk(full);
        else if (full.endsWith('.ts')) files.push(full);
      }
    };
    walk(simDir);
    const nodeOnly = new Set(['server.ts', 'cli.ts'].map((f) => path.join(simDir, f)));
    const offenders = files
      .filter((f) => !nodeOnly.has(f))
      .filter((f) =>
        /from ['"](node:|fs['"]|path['"]|crypto['"]|@hono\/node-server)/.test(readFileSync(f, 'utf8')),
      );
    expect(files.length).toBeGreaterThan(15);
    expect(offenders).toEqual([]);
  });
});
