import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyEntry } from '../../src/lib/seal';
import { type NodeServer, startNodeServer } from '../../src/node';

const SECURITY_HEADERS = [
  'content-security-policy',
  'x-frame-options',
  'x-content-type-options',
  'referrer-policy',
  'strict-transport-security',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'x-permitted-cross-domain-policies',
];

let server: NodeServer;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'seatwise-assets-'));
  server = await startNodeServer({
    port: 0,
    crons: false,
    env: { DATABASE_URL: `file:${join(dir, 'a.db')}`, SEAL_KEYS: generateKeyEntry() },
  });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A GET with a chosen Host header (fetch cannot set Host). */
function get(
  path: string,
  host: string,
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { hostname: url.hostname, port: url.port, path, headers: { Host: host } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, body }),
        );
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('/assets/* on Node', () => {
  it('carries the same security headers as pages', async () => {
    const host = new URL(server.url).host;
    const page = await get('/', host);
    const asset = await get('/assets/htmx-4.0.1.min.js', host);
    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    for (const name of SECURITY_HEADERS) {
      expect(asset.headers[name], name).toBeDefined();
      expect(asset.headers[name], name).toBe(page.headers[name]);
    }
    expect(asset.headers['x-frame-options']).toBe('DENY');
    expect(asset.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('refuses a foreign Host in local mode, as pages do (DNS rebinding)', async () => {
    for (const path of ['/assets/htmx-4.0.1.min.js', '/assets/no-such-file.js', '/']) {
      const res = await get(path, 'attacker.example:8787');
      expect(res.status, path).toBe(403);
      expect(res.body).toContain('local mode');
      if (path.startsWith('/assets/')) expect(res.body.length, path).toBeLessThan(300);
    }
    const res = await get('/assets/htmx-4.0.1.min.js', 'attacker.example');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect((await get('/assets/htmx-4.0.1.min.js', `localhost:${new URL(server.url).port}`)).status).toBe(
      200,
    );
  });
});
