/**
 * Queue messages the platform gave up on: the dead-letter consumer moves the connection to `sync_error`
 * with the reason on the card, and retries (with a delay) while the database is still unreachable. The
 * trigger a message carries is what its run records.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, syncRuns } from '../../db/schema';
import { consumeDeadLetters, deadLetterReason } from '../../src/sync/dead-letter';
import { consumeSyncMessages, type QueueItem, retryDelaySeconds } from '../../src/sync/queue';
import { runSlice } from '../../src/sync/slice';
import { requestSyncNow } from '../../src/sync/sync-now';
import { syncEnv, TEST_SYNC } from './support';

function item(body: unknown, attempts = 1) {
  const state = { acked: 0, delays: [] as (number | undefined)[] };
  const it: QueueItem = {
    body,
    attempts,
    ack: () => {
      state.acked += 1;
    },
    retry: (o) => {
      state.delays.push(o?.delaySeconds);
    },
  };
  return { it, state };
}

describe('retryDelaySeconds', () => {
  it('grows with the attempts and stops at five minutes', () => {
    expect([1, 2, 3, 4, 5, 6, 50].map(retryDelaySeconds)).toEqual([10, 20, 40, 80, 160, 300, 300]);
  });
});

describe('dead-letter consumer', () => {
  it('moves a syncing connection to sync_error with the reason, notes it on the open run, and audits it', async () => {
    const env = await syncEnv({ queue: true });
    const started = await requestSyncNow(env.deps, await env.row(), 'admin');
    expect(started.started).toBe(true);
    const message = env.sent.shift();
    expect(message).toEqual({ type: 'sync', connectionId: env.connectionId, trigger: 'manual' });
    // One slice ran (the run is open), then its continuation died in the queue.
    const slice = await runSlice(env.deps, {
      connectionId: env.connectionId,
      trigger: 'manual',
      options: { ...TEST_SYNC, requestBudget: 3 },
    });
    expect(slice.status).toBe('continue');

    const dead = item({ type: 'sync', connectionId: env.connectionId, trigger: 'continuation' }, 3);
    await consumeDeadLetters(env.deps, [dead.it]);
    expect(dead.state).toEqual({ acked: 1, delays: [] });
    const row = await env.row();
    expect(row.state).toBe('sync_error');
    expect(row.lastError).toBe(deadLetterReason(6));
    expect(row.consecutiveFailures).toBe(1);
    expect(row.nextSyncAt).toBeGreaterThan(env.clock.now());
    const runs = await env.deps.db.select().from(syncRuns).where(eq(syncRuns.connectionId, env.connectionId));
    expect(runs.map((r) => [r.trigger, r.status, r.error])).toEqual([
      ['manual', 'running', deadLetterReason(6)],
    ]);
    const audit = await env.deps.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.connectionId, env.connectionId));
    expect(audit.at(-1)?.detail).toContain('dead_letter');

    // The card shows why.
    const card = await env.app.request('/connections/bluejeans/card', { headers: { host: 'localhost' } });
    expect(await card.text()).toContain('failed deliveries');
  });

  it('leaves a connection that synced meanwhile alone, and acks what is not a sync message', async () => {
    const env = await syncEnv({ queue: true });
    await env.syncToEnd();
    const before = await env.row();
    const dead = item({ type: 'sync', connectionId: env.connectionId });
    const junk = item({ hello: 'world' });
    await consumeDeadLetters(env.deps, [dead.it, junk.it]);
    expect([dead.state.acked, junk.state.acked]).toEqual([1, 1]);
    expect(await env.row()).toEqual(before);
  });

  it('retries with a growing delay while the database is still down', async () => {
    const env = await syncEnv({ queue: true });
    await requestSyncNow(env.deps, await env.row(), 'admin');
    const real = env.deps.db;
    env.deps.db = new Proxy(real, {
      get(target, prop, receiver) {
        if (prop === 'select' || prop === 'batch') throw new Error('database unreachable (injected)');
        return Reflect.get(target, prop, receiver);
      },
    });
    const first = item({ type: 'sync', connectionId: env.connectionId }, 1);
    const later = item({ type: 'sync', connectionId: env.connectionId }, 4);
    await consumeDeadLetters(env.deps, [first.it, later.it]);
    expect([first.state.delays, later.state.delays]).toEqual([[10], [80]]);
    env.deps.db = real;
    expect((await env.row()).state).toBe('syncing');
  });
});

describe('triggers', () => {
  it('records the first sync after connecting as first_connect, and a continuation continues the open run', async () => {
    const env = await syncEnv({ queue: true });
    const small = { ...TEST_SYNC, requestBudget: 4 };
    await consumeSyncMessages(env.deps, [item({ type: 'sync', connectionId: env.connectionId }).it], small);
    expect(env.sent).toEqual([{ type: 'sync', connectionId: env.connectionId, trigger: 'continuation' }]);
    for (let i = 0; i < 300 && env.sent.length > 0; i++) {
      await consumeSyncMessages(env.deps, [item(env.sent.shift()).it], small);
    }
    expect((await env.row()).state).toBe('connected');
    // Sync now later: a manual run.
    env.clock.advance(60_000);
    await requestSyncNow(env.deps, await env.row(), 'admin');
    for (let i = 0; i < 300 && env.sent.length > 0; i++) {
      await consumeSyncMessages(env.deps, [item(env.sent.shift()).it], { ...TEST_SYNC, requestBudget: 1000 });
    }
    const runs = await env.deps.db
      .select()
      .from(syncRuns)
      .where(eq(syncRuns.connectionId, env.connectionId))
      .orderBy(syncRuns.startedAt);
    expect(runs.map((r) => [r.trigger, r.status])).toEqual([
      ['first_connect', 'succeeded'],
      ['manual', 'succeeded'],
    ]);
  });
});
