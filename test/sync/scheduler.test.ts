import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { connections, cronHeartbeats, leases, syncRuns } from '../../db/schema';
import { consumeSyncMessages, type QueueItem } from '../../src/sync/queue';
import { runScheduled, syncDue } from '../../src/sync/scheduler';
import { leaseKey, runSlice } from '../../src/sync/slice';
import { counts, snapshot, syncEnv, TEST_SYNC } from './support';

function item(body: unknown, attempts = 1) {
  const state = { acked: 0, retried: 0, delays: [] as (number | undefined)[] };
  const it: QueueItem = {
    body,
    attempts,
    ack: () => {
      state.acked += 1;
    },
    retry: (options) => {
      state.retried += 1;
      state.delays.push(options?.delaySeconds);
    },
  };
  return { it, state };
}

describe('scheduler', () => {
  it('on Node runs every due connection to completion and keeps the cron heartbeat', async () => {
    const env = await syncEnv();
    await runScheduled(env.deps, '*/15 * * * *', env.clock.now(), { sync: TEST_SYNC });
    const beat = await env.deps.db.select().from(cronHeartbeats).get();
    expect(beat?.runs).toBe(1);
    const row = await env.row();
    expect(row.state).toBe('connected');
    expect(row.lastSyncedAt).not.toBeNull();
    expect((await counts(env.deps.db)).bj_meetings).toBeGreaterThan(0);
    // Not due again right away.
    expect((await syncDue(env.deps, { sync: TEST_SYNC })).due).toEqual([]);
  });

  it('with a queue enqueues one message per due connection instead of syncing', async () => {
    const env = await syncEnv({ queue: true });
    const result = await syncDue(env.deps, { sync: TEST_SYNC });
    expect(result.due).toEqual([env.connectionId]);
    // Never synced yet: the message says it is the first sync after connecting.
    expect(env.sent).toEqual([{ type: 'sync', connectionId: env.connectionId, trigger: 'first_connect' }]);
    expect((await env.row()).state).toBe('connected');
    expect((await counts(env.deps.db)).bj_meetings).toBe(0);
  });

  it('fans out a synced connection due again as a cron message, and its run records cron', async () => {
    const env = await syncEnv({ queue: true });
    await env.syncToEnd();
    env.clock.advance(16 * 60_000);
    await syncDue(env.deps, { sync: TEST_SYNC });
    expect(env.sent).toEqual([{ type: 'sync', connectionId: env.connectionId, trigger: 'cron' }]);
    for (let i = 0; i < 300 && env.sent.length > 0; i++) {
      const next = env.sent.shift()!;
      if (i > 0) expect(next).toMatchObject({ trigger: 'continuation' });
      await consumeSyncMessages(env.deps, [item(next).it], TEST_SYNC);
    }
    const runs = await env.deps.db.select().from(syncRuns).orderBy(syncRuns.startedAt);
    expect(runs.map((r) => [r.trigger, r.status])).toEqual([
      ['cli', 'succeeded'],
      ['cron', 'succeeded'],
    ]);
  });

  it('finds a syncing connection whose lease expired (a crashed run) and resumes it', async () => {
    const env = await syncEnv({ queue: true });
    const first = await runSlice(env.deps, {
      connectionId: env.connectionId,
      trigger: 'cron',
      options: { ...TEST_SYNC, requestBudget: 5 },
    });
    expect(first.status).toBe('continue');
    // A holder that died mid-slice: its lease is still there until it expires (the slice above handed
    // its own back, leaving the row).
    const dead = { holder: 'dead', expiresAt: env.clock.now() + 60_000 };
    await env.deps.db
      .insert(leases)
      .values({ key: leaseKey(env.connectionId), ...dead })
      .onConflictDoUpdate({ target: leases.key, set: dead });
    expect((await syncDue(env.deps)).due).toEqual([]);
    env.clock.advance(61_000);
    expect((await syncDue(env.deps)).due).toEqual([env.connectionId]);
  });
});

describe('queue consumer', () => {
  it('runs one slice per message, enqueues the continuation, and redelivery adds no duplicates', async () => {
    const env = await syncEnv({ queue: true });
    const message = { type: 'sync', connectionId: env.connectionId };
    const small = { ...TEST_SYNC, requestBudget: 8 };
    // The same message delivered twice (at-least-once), then every continuation until none is left.
    const a = item(message);
    const b = item(message);
    await consumeSyncMessages(env.deps, [a.it, b.it], small);
    expect(a.state).toMatchObject({ acked: 1, retried: 0 });
    expect(b.state).toMatchObject({ acked: 1, retried: 0 });
    for (let i = 0; i < 500 && env.sent.length > 0; i++) {
      const next = env.sent.shift();
      const redelivered = item(next);
      await consumeSyncMessages(env.deps, [redelivered.it], small);
      if (i % 5 === 0) await consumeSyncMessages(env.deps, [item(next).it], small);
    }
    expect((await env.row()).state).toBe('connected');

    const reference = await syncEnv();
    await reference.syncToEnd();
    expect(await snapshot(env.deps.db)).toEqual(await snapshot(reference.deps.db));
  });

  it('acknowledges malformed messages and asks for redelivery when the slice itself crashes', async () => {
    const env = await syncEnv({ queue: true });
    const bad = item({ type: 'nope' });
    await consumeSyncMessages(env.deps, [bad.it]);
    expect(bad.state).toMatchObject({ acked: 1, retried: 0 });

    const real = env.deps.db;
    env.deps.db = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop === 'insert') throw new Error('database unreachable (injected)');
        return Reflect.get(target, prop, receiver);
      },
    });
    // Each redelivery waits longer: the delay grows with the attempts.
    const delays: (number | undefined)[] = [];
    for (const attempts of [1, 2, 3, 6]) {
      const crash = item({ type: 'sync', connectionId: env.connectionId }, attempts);
      await consumeSyncMessages(env.deps, [crash.it]);
      expect(crash.state).toMatchObject({ acked: 0, retried: 1 });
      delays.push(...crash.state.delays);
    }
    expect(delays).toEqual([10, 20, 40, 300]);
    env.deps.db = real;
    const row = await real.select().from(connections).where(eq(connections.id, env.connectionId)).get();
    expect(row?.state).toBe('connected');
  });
});
