/**
 * Scheduler fairness across organizations: 100 organizations with one connection each, one of them
 * failing on every request. Every organization gets its first slice before any gets a second, the
 * failing one drops out after its turn, and everyone else finishes.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { connections } from '../../db/schema';
import { sealCredentials } from '../../src/connections/credentials';
import { ensureOrganization, getOrCreateConnection } from '../../src/connections/store';
import type { SyncMessage } from '../../src/deps';
import { chunks, roundRobin } from '../../src/sync/fair';
import { syncDue } from '../../src/sync/scheduler';
import { syncEnv, TEST_SYNC } from './support';

const BROKEN_KEY = 'broken-app-key';

/** syncEnv's `local` plus `n - 1` organizations connected to the same simulated enterprise. */
async function manyOrgs(n: number, queue = false) {
  const env = await syncEnv({
    queue,
    sim: { users: 6, days: 2 },
    config: {
      pageSize: { users: 50, meetings: 50, history: 50 },
      windowDays: { meetings: 10, history: 10, analytics: 10 },
    },
  });
  for (let i = 1; i < n; i++) {
    const orgId = `org-${String(i).padStart(3, '0')}`;
    await ensureOrganization(env.deps.db, orgId);
    const row = await getOrCreateConnection(env.deps.db, orgId, 'bluejeans');
    const appKey = i === 50 ? BROKEN_KEY : env.credentials.appKey;
    const creds = { ...env.credentials, appKey };
    await env.deps.db
      .update(connections)
      .set({
        state: 'connected',
        authMethod: 'client_credentials',
        sealedCredentials: await sealCredentials(env.deps.sealer, creds, { orgId, connectionId: row.id }),
        enterpriseId: env.sim.enterpriseId,
        publicConfig: JSON.stringify({ method: 'client_credentials', appKey }),
        connectedAt: env.clock.now(),
      })
      .where(eq(connections.id, row.id));
  }
  // org-050's every request fails: BlueJeans answers 503 to anything carrying its App Key.
  env.breakNetwork(async (input, init) => {
    const req = new Request(input, init);
    const body = req.method === 'POST' ? await req.clone().text() : '';
    if (body.includes(BROKEN_KEY) || req.url.includes(BROKEN_KEY))
      return new Response('down', { status: 503 });
    return env.sim.fetch(req);
  });
  return env;
}

describe('round robin', () => {
  it('interleaves organizations and keeps each one’s own order', () => {
    const due = [
      { id: 'a1', orgId: 'a' },
      { id: 'a2', orgId: 'a' },
      { id: 'a3', orgId: 'a' },
      { id: 'b1', orgId: 'b' },
      { id: 'c1', orgId: 'c' },
      { id: 'c2', orgId: 'c' },
    ];
    expect(roundRobin(due).map((d) => d.id)).toEqual(['a1', 'b1', 'c1', 'a2', 'c2', 'a3']);
    expect(chunks([...Array(250).keys()], 100).map((c) => c.length)).toEqual([100, 100, 50]);
  });
});

describe('scheduler fairness with 100 organizations', () => {
  it('serves every organization once before any twice; the failing one never starves the rest', {
    timeout: 90_000,
  }, async () => {
    const env = await manyOrgs(100);
    const result = await syncDue(env.deps, {
      sync: { ...TEST_SYNC, requestBudget: 12 },
      maxDurationMs: 24 * 3600_000,
    });
    expect(result.due).toHaveLength(100);
    const firstRound = result.served.slice(0, 100).map((s) => s.orgId);
    expect(new Set(firstRound).size).toBe(100);
    // Nobody's second slice before everybody's first.
    const seen = new Set<string>();
    for (const [i, s] of result.served.entries()) {
      if (seen.has(s.connectionId)) {
        expect(i).toBeGreaterThanOrEqual(100);
        break;
      }
      seen.add(s.connectionId);
    }
    const broken = result.served.filter((s) => s.orgId === 'org-050');
    expect(broken.map((s) => s.status)).toEqual(['failed']);
    const rows = await env.deps.db.select().from(connections).all();
    const healthy = rows.filter((r) => r.orgId !== 'org-050');
    expect(healthy.every((r) => r.state === 'connected' && r.lastSyncedAt !== null)).toBe(true);
    expect(rows.find((r) => r.orgId === 'org-050')?.state).toBe('sync_error');
    // Slices took several rounds (the budget is small), and the rounds were fair throughout.
    expect(result.served.length).toBeGreaterThan(100);
  });

  it('on Workers fans out round-robin in sendBatch calls of at most 100', async () => {
    const env = await manyOrgs(100, true);
    const batches: SyncMessage[][] = [];
    env.deps.queue = {
      send: async () => {
        throw new Error('the fan-out must use sendBatch');
      },
      sendBatch: async (ms) => {
        batches.push(ms);
      },
    };
    const result = await syncDue(env.deps);
    expect(result.enqueued).toBe(100);
    expect(result.batches).toBe(1);
    expect(batches.map((b) => b.length)).toEqual([100]);
    expect(new Set(batches.flat().map((m) => m.connectionId)).size).toBe(100);
    expect(batches[0]![0]).toEqual({
      type: 'sync',
      connectionId: expect.any(String),
      trigger: 'first_connect',
    });
  });
});
