/**
 * /assets/* on the Worker build: served from the [assets] binding, but with the Worker running first
 * (run_worker_first), so they carry the same security headers as pages and local mode's loopback rule.
 */
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';

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

describe('/assets/* on Workers', () => {
  it('carries the same security headers as pages, and caches for a year', async () => {
    const page = await exports.default.fetch('http://localhost/');
    expect(page.status).toBe(200);
    await page.arrayBuffer();
    const asset = await exports.default.fetch('http://localhost/assets/htmx-4.0.1.min.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(await asset.text()).toContain('htmx');
    expect(asset.headers.get('cache-control')).toContain('immutable');
    for (const name of SECURITY_HEADERS) {
      expect(asset.headers.get(name), name).not.toBeNull();
      expect(asset.headers.get(name), name).toBe(page.headers.get(name));
    }
    expect(asset.headers.get('x-frame-options')).toBe('DENY');
    expect(asset.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('refuses a foreign Host in local mode, as pages do (DNS rebinding)', async () => {
    for (const path of ['/assets/htmx-4.0.1.min.js', '/assets/app.css', '/']) {
      const res = await exports.default.fetch(`http://attacker.example${path}`);
      expect(res.status, path).toBe(403);
      const body = await res.text();
      expect(body, path).toContain('local mode');
      if (path.startsWith('/assets/')) expect(body.length, path).toBeLessThan(300);
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
    }
  });

  it('answers a missing asset with the app 404 page, headers included', async () => {
    const res = await exports.default.fetch('http://localhost/assets/no-such-file.js');
    expect(res.status).toBe(404);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('cache-control') ?? '').not.toContain('immutable');
    await res.arrayBuffer();
  });
});
