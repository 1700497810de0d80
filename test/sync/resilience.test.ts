import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Db } from '../../db/client';
import { auditLog, syncCheckpoints, syncRuns } from '../../db/schema';
import { transition } from '../../src/connections/state-machine';
import { runSlice } from '../../src/sync/slice';
import { counts, settledSnapshot, snapshot, syncEnv, TEST_SYNC } from './support';

/** The data of one uninterrupted run, to compare interrupted ones with. */
async function reference() {
  const env = await syncEnv();
  await env.syncToEnd();
  return { all: await snapshot(env.deps.db), settled: await settledSnapshot(env.deps.db) };
}

describe('crash and fault resilience', () => {
  it('a run cut into slices of 1-3 requests ends with exactly the data of one uninterrupted run', async () => {
    const expected = await reference();
    for (const requestBudget of [1, 3]) {
      const env = await syncEnv();
      const outcomes = await env.syncToEnd({ requestBudget });
      expect(outcomes.at(-1)?.status).toBe('done');
      const run = await env.deps.db.select().from(syncRuns).get();
      expect(run?.slices).toBeGreaterThan(30);
      // Tiny slices do not move the clock: the whole data set must match.
      expect(await snapshot(env.deps.db)).toEqual(expected.all);
    }
  }, 120_000);

  it('rate limits, server errors and malformed bodies change nothing in the final data', async () => {
    const expected = await reference();
    const env = await syncEnv();
    env.sim.control.setFaults({ rateLimit: 2, faultRate: 0.15, malformedRate: 0.1 });
    const outcomes = await env.syncToEnd({ requestBudget: 10 });
    expect(outcomes.at(-1)?.status).toBe('done');
    const faults = env.sim.control.stats();
    expect(faults.rateLimited).toBeGreaterThan(0);
    expect(faults.serverErrors).toBeGreaterThan(0);
    expect(faults.malformed).toBeGreaterThan(0);
    expect(await settledSnapshot(env.deps.db)).toEqual(expected.settled);
    expect((await counts(env.deps.db)).bj_meetings).toBeGreaterThanOrEqual(
      expected.all.bj_meetings?.length ?? 0,
    );
  });

  it('a database write failing once mid-run is resumed from the checkpoint with identical data', async () => {
    const expected = await reference();
    const env = await syncEnv();
    const real = env.deps.db;
    let batches = 0;
    const flaky = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop === 'batch') {
          return async (items: Parameters<Db['batch']>[0]) => {
            batches += 1;
            if (batches === 7) throw new Error('disk I/O error (injected)');
            return target.batch(items);
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    }) as Db;
    env.deps.db = flaky;
    const outcomes = await env.syncToEnd({ requestBudget: 5 });
    expect(outcomes.some((o) => o.status === 'failed')).toBe(true);
    expect(outcomes.at(-1)?.status).toBe('done');
    env.deps.db = real;
    expect(await settledSnapshot(real)).toEqual(expected.settled);
    const row = await env.row();
    expect(row.state).toBe('connected');
    expect(row.consecutiveFailures).toBe(0);
  });

  it('two slices for one connection at once: one runs, the other backs off on the lease', async () => {
    const env = await syncEnv();
    const [a, b] = await Promise.all([
      runSlice(env.deps, {
        connectionId: env.connectionId,
        trigger: 'queue',
        options: { ...TEST_SYNC, requestBudget: 5 },
      }),
      runSlice(env.deps, {
        connectionId: env.connectionId,
        trigger: 'queue',
        options: { ...TEST_SYNC, requestBudget: 5 },
      }),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual(['busy', 'continue']);
    const runs = await env.deps.db.select().from(syncRuns).all();
    expect(runs).toHaveLength(1);
  });

  it('revoked app mid-run: needs_reauth, an audit entry, and the card asks to Reconnect', async () => {
    const env = await syncEnv();
    const first = await runSlice(env.deps, {
      connectionId: env.connectionId,
      trigger: 'cron',
      options: { ...TEST_SYNC, requestBudget: 4 },
    });
    expect(first.status).toBe('continue');
    env.sim.control.revokeApp(env.credentials.appKey);
    const next = await runSlice(env.deps, {
      connectionId: env.connectionId,
      trigger: 'queue',
      options: TEST_SYNC,
    });
    expect(next).toMatchObject({ status: 'failed', kind: 'auth' });
    const row = await env.row();
    expect(row.state).toBe('needs_reauth');
    expect(row.nextSyncAt).toBeNull();
    expect(row.lastError).toBeTruthy();
    const audit = await env.deps.db.select().from(auditLog).all();
    expect(
      audit.some((e) => e.action === 'connection.state_changed' && e.detail.includes('"to":"needs_reauth"')),
    ).toBe(true);
    const run = await env.deps.db.select().from(syncRuns).get();
    expect(run?.status).toBe('failed');
    // No more syncing until Reconnect.
    expect(
      await runSlice(env.deps, { connectionId: env.connectionId, trigger: 'cron', force: true }),
    ).toEqual({
      status: 'skipped',
      reason: 'needs_reauth',
    });
    const res = await env.app.request('http://127.0.0.1:8787/connections/bluejeans/card', {
      headers: { 'HX-Request': 'true' },
    });
    const html = await res.text();
    expect(html).toMatch(/<button type="submit" class="primary">\s*Reconnect\s*<\/button>/);
    expect(html).not.toContain('Sync now');
  });

  it('transient failures: sync_error with backoff, then a recovered run and its audit entry', async () => {
    const env = await syncEnv();
    env.breakNetwork(async () => new Response('down', { status: 503 }));
    const t0 = env.clock.now();
    const failed = await runSlice(env.deps, {
      connectionId: env.connectionId,
      trigger: 'cron',
      options: TEST_SYNC,
    });
    expect(failed).toMatchObject({ status: 'failed', kind: 'transient' });
    let row = await env.row();
    expect(row.state).toBe('sync_error');
    expect(row.consecutiveFailures).toBe(1);
    const wait1 = (row.nextSyncAt ?? 0) - env.clock.now();
    expect(wait1).toBeGreaterThan(0.79 * 15 * 60_000);
    expect(wait1).toBeLessThanOrEqual(15 * 60_000);
    expect(row.nextSyncAt).toBeGreaterThan(t0);

    // Not due before its retry time.
    expect((await runSlice(env.deps, { connectionId: env.connectionId, trigger: 'cron' })).status).toBe(
      'skipped',
    );
    env.clock.advance(wait1);
    await runSlice(env.deps, { connectionId: env.connectionId, trigger: 'cron', options: TEST_SYNC });
    row = await env.row();
    expect(row.consecutiveFailures).toBe(2);
    const wait2 = (row.nextSyncAt ?? 0) - env.clock.now();
    expect(wait2).toBeGreaterThan(0.79 * 30 * 60_000);
    expect(wait2).toBeLessThanOrEqual(30 * 60_000);

    env.breakNetwork(undefined);
    env.clock.advance(wait2);
    const outcomes = await env.syncToEnd();
    expect(outcomes.at(-1)?.status).toBe('done');
    row = await env.row();
    expect(row.state).toBe('connected');
    expect(row.consecutiveFailures).toBe(0);
    expect(row.lastError).toBeNull();
    const audit = await env.deps.db.select().from(auditLog).all();
    expect(audit.filter((e) => e.detail.includes('"event":"recovered"'))).toHaveLength(1);
    expect((await counts(env.deps.db)).bj_meetings).toBeGreaterThan(0);
    const runs = await env.deps.db.all<{ status: string }>(
      sql`select status from sync_runs order by started_at`,
    );
    // The failed attempts kept the run open; the retry finished it.
    expect(runs.map((r) => r.status)).toEqual(['succeeded']);
  });

  it('paused mid-run: no slice runs while paused, and the run resumes where it stopped afterwards', async () => {
    const expected = await reference();
    const env = await syncEnv();
    const opts = { ...TEST_SYNC, requestBudget: 6 };
    expect(
      (await runSlice(env.deps, { connectionId: env.connectionId, trigger: 'cron', options: opts })).status,
    ).toBe('continue');
    const paused = await transition(env.deps.db, {
      connection: await env.row(),
      to: 'paused',
      actor: 'admin',
      action: 'connection.state_changed',
      now: env.clock.now(),
    });
    expect(
      await runSlice(env.deps, { connectionId: env.connectionId, trigger: 'queue', options: opts }),
    ).toEqual({
      status: 'skipped',
      reason: 'paused',
    });
    await transition(env.deps.db, {
      connection: paused,
      to: 'connected',
      actor: 'admin',
      action: 'connection.state_changed',
      now: env.clock.now(),
    });
    await env.syncToEnd(opts);
    expect(await snapshot(env.deps.db)).toEqual(expected.all);
    expect(await env.deps.db.select().from(syncRuns).all()).toHaveLength(1);
  });

  it('a checkpoint no codec accepts makes that stream start again instead of failing', async () => {
    const expected = await reference();
    const env = await syncEnv();
    await env.deps.db.insert(syncCheckpoints).values({
      connectionId: env.connectionId,
      stream: 'meetings',
      cursor: '{"s":"meetings","v":99}',
      highWater: env.clock.now(),
      updatedAt: env.clock.now(),
    });
    const outcomes = await env.syncToEnd();
    expect(outcomes.at(-1)?.status).toBe('done');
    expect(await snapshot(env.deps.db)).toEqual(expected.all);
  });
});
