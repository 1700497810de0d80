/**
 * On Node the usage pages are written from pooled buffers (src/lib/html-response.ts): every response
 * must carry exactly its own page, byte for byte what the app renders (the in-process app answers with
 * `c.html`), with a Content-Length that counts those bytes, however many responses are in flight, and
 * the pool must stay bounded.
 */

import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { pooledBuffers, pooledHtml } from '../../src/lib/html-response';
import { generateKeyEntry } from '../../src/lib/seal';
import { type NodeServer, startNodeServer } from '../../src/node';
import { seed } from './builders';

let server: NodeServer;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'seatwise-pooled-'));
  server = await startNodeServer({
    port: 0,
    crons: false,
    env: { DATABASE_URL: `file:${join(dir, 'p.db')}`, SEAL_KEYS: generateKeyEntry(), LOG_LEVEL: 'error' },
  });
  const s = await seed(server.deps.db, Date.now());
  // Names outside ASCII (two- and four-byte UTF-8) and text that needs escaping.
  const names = ['Zoë', 'Łukasz', 'José', 'Ann <b>&', 'Mika 🎧', 'Søren', 'Chloé', 'Jo'];
  for (let i = 0; i < 120; i++) {
    const first = names[i % names.length] as string;
    await s.user({
      userId: `u${i}`,
      username: `user${i}`,
      firstName: first,
      lastName: `N${i}`,
      email: `user${i}@example.com`,
      lastActiveAt: i % 3 === 0 ? null : s.ago(i % 50),
    });
  }
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const FRAGMENT = { 'HX-Request': 'true', 'HX-Request-Type': 'partial' };
const paths = [
  '/usage/users',
  '/usage/users?sort=minutes&dir=desc',
  '/usage/users?page=2',
  '/usage/users?q=o',
  '/usage/users?q=%C3%AB',
  '/usage/users?status=never&sort=email',
  '/usage/users?q=%F0%9F%8E%A7&page=1',
  '/usage/users?sort=last_active&page=3',
];
const cases = paths.flatMap((path) => [{ path }, { path, headers: FRAGMENT }]);

async function get(c: { path: string; headers?: Record<string, string> }) {
  const res = await fetch(server.url + c.path, { headers: { ...c.headers, 'Accept-Encoding': 'identity' } });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, length: res.headers.get('content-length'), bytes };
}

describe('usage pages from pooled buffers', () => {
  it('are byte for byte what the app renders, each with its own length, many in flight at once', async () => {
    const app = createApp(server.deps);
    const want = new Map<string, Uint8Array>();
    for (const c of cases) {
      const res = await app.request(server.url + c.path, { headers: c.headers ?? {} });
      expect(res.status).toBe(200);
      want.set(JSON.stringify(c), new Uint8Array(await res.arrayBuffer()));
    }
    // Every case several times, all in flight together, in an order that mixes large and small.
    const asked = [...cases, ...cases.slice().reverse(), ...cases, ...cases.slice(3), ...cases.slice(0, 5)];
    const got = await Promise.all(asked.map((c) => get(c)));
    for (const [i, c] of asked.entries()) {
      const r = got[i] as Awaited<ReturnType<typeof get>>;
      expect(r.status).toBe(200);
      expect(Number(r.length)).toBe(r.bytes.byteLength);
      expect(Buffer.from(r.bytes).equals(Buffer.from(want.get(JSON.stringify(c)) as Uint8Array))).toBe(true);
    }
    const texts = [...want.values()].map((b) => new TextDecoder().decode(b));
    expect(texts[0]).toContain('Chloé');
    expect(texts.some((t) => t.includes('Mika 🎧'))).toBe(true);
    expect(texts.some((t) => t.includes('Ann &lt;b&gt;&amp;'))).toBe(true);
    expect(pooledBuffers()).toBeGreaterThan(0);
    expect(pooledBuffers()).toBeLessThanOrEqual(16);
  });

  it('takes a buffer per response in flight and returns it only once that response has closed', async () => {
    const app = new Hono().get('/p', (c) => pooledHtml(c, `<p>${c.req.query('n')} é</p>`));
    const drain = async () => {
      // Empty the pool (responses that never close keep theirs).
      while (pooledBuffers() > 0)
        await app.fetch(new Request('http://x/p?n=0'), { outgoing: new EventEmitter() });
    };
    await drain();
    const a = new EventEmitter();
    const b = new EventEmitter();
    const ra = await app.fetch(new Request('http://x/p?n=1'), { outgoing: a });
    const rb = await app.fetch(new Request('http://x/p?n=2'), { outgoing: b });
    expect(await ra.text()).toBe('<p>1 é</p>');
    expect(await rb.text()).toBe('<p>2 é</p>');
    expect(ra.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    // Neither has closed: both buffers are still theirs.
    expect(pooledBuffers()).toBe(0);
    a.emit('close');
    a.emit('close');
    expect(pooledBuffers()).toBe(1);
    b.emit('close');
    expect(pooledBuffers()).toBe(2);
    // Without a Node response (Workers, Deno, app.request): plain c.html, nothing taken.
    const plain = await app.fetch(new Request('http://x/p?n=3'));
    expect(await plain.text()).toBe('<p>3 é</p>');
    expect(pooledBuffers()).toBe(2);
  });
});
