import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { describe, expect, it } from 'vitest';
import { createDb } from '../../db/client';
import { rateLimits } from '../../db/schema';
import { manualClock } from '../../src/lib/clock';
import {
  dbRateLimit,
  pruneRateLimits,
  VERIFY_RATE_LIMIT,
  verifyRateLimitKey,
} from '../../src/lib/rate-limit';
import { generateKeyEntry } from '../../src/lib/seal';
import { startNodeServer } from '../../src/node';
import { testDb } from '../helpers/deps';
import { simApp } from './support';

const WRONG = { appKey: 'demo-app-key', appSecret: 'guess-0001' };

/** Counts the requests that reach BlueJeans (the simulator). */
function counting(s: Awaited<ReturnType<typeof simApp>>) {
  let n = 0;
  s.breakNetwork((input, init) => {
    n++;
    return s.sim.fetch(new Request(input, init));
  });
  return () => n;
}

const postFrom = (s: Awaited<ReturnType<typeof simApp>>, address: string, fields = WRONG) =>
  s.request('/connections/bluejeans', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'CF-Connecting-IP': address },
    body: new URLSearchParams(fields).toString(),
  });

describe('credential verification rate limit', () => {
  it('answers 429 with a message after 5 attempts a minute, without asking BlueJeans', async () => {
    const s = await simApp();
    const requests = counting(s);
    for (let i = 0; i < VERIFY_RATE_LIMIT.limit; i++) {
      expect((await postFrom(s, '203.0.113.7')).status).toBe(422);
    }
    const before = requests();
    expect(before).toBeGreaterThan(0);
    const res = await postFrom(s, '203.0.113.7', {
      appKey: s.sim.credentials.appKey,
      appSecret: s.sim.credentials.appSecret,
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('Retry-After'))).toBeGreaterThan(0);
    const html = await res.text();
    expect(html).toContain('Too many attempts to verify credentials');
    expect(html).toContain('Nothing was sent to BlueJeans');
    expect(html).not.toContain(s.sim.credentials.appSecret);
    expect(requests()).toBe(before);
  });

  it('counts each client address apart, and allows attempts again in the next minute', async () => {
    const s = await simApp();
    for (let i = 0; i <= VERIFY_RATE_LIMIT.limit; i++) await postFrom(s, '203.0.113.7');
    expect((await postFrom(s, '203.0.113.7')).status).toBe(429);
    expect((await postFrom(s, '198.51.100.2')).status).toBe(422);
    s.clock.advance(60_000);
    expect((await postFrom(s, '203.0.113.7')).status).toBe(422);
  });
});

describe('the database counter', () => {
  it('is shared by two processes over one database and exact under simultaneous attempts', async () => {
    const { url } = await testDb();
    const clock = manualClock();
    const a = dbRateLimit(createDb(createClient({ url })), clock, VERIFY_RATE_LIMIT);
    const b = dbRateLimit(createDb(createClient({ url })), clock, VERIFY_RATE_LIMIT);
    const key = verifyRateLimitKey('local', '203.0.113.7');
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).limit({ key })));
    expect(outcomes.filter((o) => o.success)).toHaveLength(VERIFY_RATE_LIMIT.limit);
    // Another organization from the same address has its own budget.
    expect((await a.limit({ key: verifyRateLimitKey('acme', '203.0.113.7') })).success).toBe(true);
  });

  it('says how long to wait, and its rows are swept once their window ended', async () => {
    const { db } = await testDb();
    const clock = manualClock(Date.UTC(2026, 0, 15, 12, 0, 20));
    const limit = dbRateLimit(db, clock, { limit: 1, periodSeconds: 60 });
    expect((await limit.limit({ key: 'k' })).success).toBe(true);
    expect(await limit.limit({ key: 'k' })).toEqual({ success: false, retryAfterSeconds: 40 });
    expect(await pruneRateLimits(db, clock.now())).toBe(0);
    clock.advance(40_000);
    expect(await pruneRateLimits(db, clock.now() + 1)).toBe(1);
    expect(await db.select().from(rateLimits)).toHaveLength(0);
  });
});

describe('on Node', () => {
  it('counts by the socket address, so a forged CF-Connecting-IP does not buy more attempts', async () => {
    let requests = 0;
    const dir = mkdtempSync(join(tmpdir(), 'seatwise-rl-'));
    const server = await startNodeServer({
      port: 0,
      crons: false,
      env: {
        DATABASE_URL: `file:${join(dir, 'rl.db')}`,
        SEAL_KEYS: generateKeyEntry(),
        BLUEJEANS_API_BASE: 'http://127.0.0.1:9',
        BLUEJEANS_AUTH_BASE: 'http://127.0.0.1:9',
      },
      fetch: async () => {
        requests++;
        return Response.json({ error: 'invalid_client' }, { status: 401 });
      },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        const res = await fetch(`${server.url}/connections/bluejeans`, {
          method: 'POST',
          headers: {
            Origin: server.url,
            'Content-Type': 'application/x-www-form-urlencoded',
            'CF-Connecting-IP': `198.51.100.${i}`,
          },
          body: new URLSearchParams(WRONG).toString(),
        });
        statuses.push(res.status);
        await res.text();
      }
      expect(statuses.slice(VERIFY_RATE_LIMIT.limit)).toEqual([429, 429, 429]);
      expect(statuses.slice(0, VERIFY_RATE_LIMIT.limit)).not.toContain(429);
      expect(requests).toBeGreaterThan(0);
    } finally {
      await server.close();
    }
  });
});
