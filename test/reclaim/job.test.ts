/**
 * The reclaim job on its own: under the simulator's 429 and 5xx faults, killed at random points and
 * resumed (each selected user removed exactly once, none missed, refusals reported), stopped by a 403,
 * re-checking its safeguards, on the queue, and announcing its end as `reclaim.completed`.
 */
import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { auditLog, bjUsers, reclaimJobs } from '../../db/schema';
import { orgScope } from '../../src/lib/scope';
import {
  pendingReclaims,
  RECLAIM_TURN_OVERDUE_MS,
  resumeReclaimJobs,
  runReclaimSlice,
  runReclaimToEnd,
  startReclaim,
} from '../../src/reclaim/runner';
import { createJob, loadJob } from '../../src/reclaim/store';
import { consumeSyncMessages } from '../../src/sync/queue';
import { settleWebhookDeliveries } from '../../src/webhooks/deliver';
import { addEndpoint } from '../../src/webhooks/store';
import { headerRecord, receiver } from '../webhooks/support';
import { form, type ReclaimEnv, reclaimEnv } from './support';

const SMALL = { requestBudget: 6, timeBudgetMs: 60 * 60_000 };

async function startJob(env: ReclaimEnv, userIds: string[]) {
  const rows = (await env.users()).filter((u) => userIds.includes(u.userId));
  const { jobId } = await createJob(env.deps.db, {
    orgId: 'local',
    connectionId: env.connectionId,
    approvedBy: 'ada@example.com',
    users: userIds.map((id) => {
      const u = rows.find((r) => r.userId === id);
      return { userId: id, email: u?.email ?? null, name: u?.username ?? id };
    }),
    now: env.clock.now(),
  });
  return jobId;
}

async function allowRemoval(env: ReclaimEnv) {
  expect((await env.allow()).status).toBe(303);
}

/**
 * Makes the database "die" at the `at`-th statement from now: that statement and every later one throw,
 * as for a process killed there (nothing after it is written). `revive` brings the database back.
 */
function crashAt(env: ReclaimEnv, at: number) {
  const client = env.deps.db.$client as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  const originals = { execute: client.execute!, batch: client.batch! };
  let n = 0;
  let dead = false;
  for (const name of ['execute', 'batch'] as const) {
    const original = originals[name].bind(env.deps.db.$client);
    client[name] = (...args: unknown[]) => {
      n += 1;
      if (dead || n >= at) {
        dead = true;
        return Promise.reject(new Error('simulated crash: the process is gone'));
      }
      return original(...args);
    };
  }
  return {
    get crashed() {
      return dead;
    },
    /** Dies now (e.g. right after BlueJeans answered, before Seatwise wrote it down). */
    kill() {
      dead = true;
    },
    revive() {
      client.execute = originals.execute;
      client.batch = originals.batch;
    },
  };
}

describe('the reclaim job under faults', () => {
  it('removes every selected user exactly once through 429s and 5xx', async () => {
    const env = await reclaimEnv();
    await allowRemoval(env);
    const ids = (await env.removable()).slice(0, 10).map((u) => u.userId);
    env.sim.control.setFaults({ faultRate: 0.35, rateLimit: 3 });
    const jobId = await startJob(env, ids);
    const outcome = await runReclaimToEnd(env.deps, jobId, SMALL);
    env.sim.control.setFaults({ faultRate: 0, rateLimit: 0 });
    expect(outcome.status).toBe('done');
    const stats = env.sim.control.stats();
    expect(stats.serverErrors + stats.rateLimited).toBeGreaterThan(0);
    expect(env.removedAtSim().sort()).toEqual([...ids].sort());
    const items = await env.items(jobId);
    expect(items.map((i) => i.status)).toEqual(ids.map(() => 'removed'));
    expect((await loadJob(env.deps.db, jobId))?.status).toBe('done');
    const listed = await env.listed();
    for (const id of ids) expect(listed.has(id)).toBe(false);
  });

  it('killed at random points and resumed: each user removed exactly once, none missed, refusals reported', async () => {
    const env = await reclaimEnv({ sim: { users: 90 } });
    await allowRemoval(env);
    const pool = await env.removable();
    const [admin] = await env.admins();
    let offset = 0;
    let kills = 0;
    let confirmedAfterKill = 0;
    await fc.assert(
      fc.asyncProperty(
        // A crash at the n-th database statement, or right after the n-th removal BlueJeans performed.
        fc.array(
          fc.oneof(
            fc.record({ at: fc.integer({ min: 1, max: 80 }) }),
            fc.record({ afterDelete: fc.integer({ min: 1, max: 4 }) }),
          ),
          { minLength: 1, maxLength: 4 },
        ),
        fc.integer({ min: 2, max: 5 }),
        fc.boolean(),
        async (crashes, size, faults) => {
          // Each run takes fresh users (the simulator keeps the removed ones removed).
          const ids = pool.slice(offset, offset + size).map((u) => u.userId);
          offset += size;
          if (ids.length < size) return;
          const selection = [...ids, admin!.userId];
          const removedBefore = env.removedAtSim().length;
          env.sim.control.setFaults(
            faults ? { faultRate: 0.25, rateLimit: 4 } : { faultRate: 0, rateLimit: 0 },
          );
          const jobId = await startJob(env, selection);
          for (const point of crashes) {
            const crash = crashAt(env, 'at' in point ? point.at : Number.POSITIVE_INFINITY);
            let removals = 0;
            env.breakNetwork(async (input, init) => {
              const res = await env.sim.fetch(new Request(input, init));
              if (init?.method === 'DELETE' && res.status === 204 && 'afterDelete' in point) {
                if (++removals === point.afterDelete) crash.kill();
              }
              return res;
            });
            try {
              await runReclaimToEnd(env.deps, jobId, SMALL, 60 * 60_000);
            } catch {
              // The simulated death surfaces as a database error: the process is gone.
            }
            env.breakNetwork(undefined);
            const died = crash.crashed;
            if (died) kills += 1;
            crash.revive();
            // A dead holder's lease lapses before anyone else may take the connection.
            if (died) env.clock.advance(env.deps.config.SYNC_LEASE_TTL_SECONDS * 1000 + 1);
          }
          const final = await runReclaimToEnd(env.deps, jobId, SMALL, 60 * 60_000);
          expect(final.status).toBe('done');
          const removedNow = env.removedAtSim().slice(removedBefore);
          // Exactly once each, nobody else.
          expect([...removedNow].sort()).toEqual([...ids].sort());
          const items = await env.items(jobId);
          const byUser = new Map(items.map((i) => [i.userId, i]));
          for (const id of ids) expect(byUser.get(id)?.status, id).toBe('removed');
          confirmedAfterKill += items.filter((i) => i.reason?.includes('interrupted attempt')).length;
          expect(byUser.get(admin!.userId)?.status).toBe('refused');
          expect(byUser.get(admin!.userId)?.reason).toContain('never removes admins');
          const job = await loadJob(env.deps.db, jobId);
          expect(job?.status).toBe('done');
          expect(job?.finishedAt).not.toBeNull();
          // Every removal recorded once in the activity log, and on the user row.
          const removedEntries = (await env.deps.db.select().from(auditLog).all()).filter(
            (a) => a.action === 'reclaim.user_removed' && JSON.parse(a.detail).jobId === jobId,
          );
          expect(removedEntries.map((e) => JSON.parse(e.detail).userId).sort()).toEqual([...ids].sort());
          const rows = (await env.users()).filter((u) => ids.includes(u.userId));
          for (const r of rows) expect(r.reclaimJobId).toBe(jobId);
          env.sim.control.setFaults({ faultRate: 0, rateLimit: 0 });
        },
      ),
      { numRuns: 12, seed: 1 },
    );
    // Not vacuous: runs died, and some died between a removal at BlueJeans and its record.
    expect(kills).toBeGreaterThan(5);
    expect(confirmedAfterKill).toBeGreaterThan(0);
  }, 240_000);
});

describe('refusals and stops inside the job', () => {
  it('a 403 from BlueJeans stops the job with what to do; the rest are skipped, not removed', async () => {
    const env = await reclaimEnv();
    await allowRemoval(env);
    const ids = (await env.removable()).slice(0, 4).map((u) => u.userId);
    const jobId = await startJob(env, ids);
    let deletes = 0;
    env.breakNetwork((input, init) => {
      const req = new Request(input, init);
      if (req.method === 'DELETE' && ++deletes === 2) {
        return Promise.resolve(
          new Response(JSON.stringify({ message: 'Forbidden' }), {
            status: 403,
            headers: { 'content-type': 'application/json' },
          }),
        );
      }
      return env.sim.fetch(req);
    });
    const outcome = await runReclaimToEnd(env.deps, jobId, SMALL);
    env.breakNetwork(undefined);
    expect(outcome.status).toBe('done');
    const job = await loadJob(env.deps.db, jobId);
    expect(job?.status).toBe('stopped');
    expect(job?.stopReason).toContain('HTTP 403');
    expect(job?.stopReason).toContain('Reconnect');
    const statuses = (await env.items(jobId)).map((i) => i.status);
    expect(statuses).toEqual(['removed', 'failed', 'skipped', 'skipped']);
    expect(env.removedAtSim()).toEqual([ids[0]]);
    const page = await env.request(`/licences/reclaim/${jobId}`);
    expect(await page.text()).toContain('HTTP 403');
  });

  it('re-checks the safeguards before each call: a user made exempt or admin after approval is refused', async () => {
    const env = await reclaimEnv();
    await allowRemoval(env);
    const [a, b, c] = await env.removable();
    const jobId = await startJob(env, [a!.userId, b!.userId, c!.userId]);
    await env.request('/licences/settings', form({ exempt: b!.email ?? '' }));
    const { eq, and } = await import('drizzle-orm');
    await env.deps.db
      .update(bjUsers)
      .set({ isEnterpriseAdmin: true })
      .where(and(eq(bjUsers.connectionId, env.connectionId), eq(bjUsers.userId, c!.userId)));
    await runReclaimToEnd(env.deps, jobId, SMALL);
    const items = await env.items(jobId);
    expect(items.map((i) => i.status)).toEqual(['removed', 'refused', 'refused']);
    expect(items[1]!.reason).toContain('exempt');
    expect(items[2]!.reason).toContain('never removes admins');
    expect(env.removedAtSim()).toEqual([a!.userId]);
  });

  it('a user already gone from BlueJeans is reported as already gone (404), not as reclaimed', async () => {
    const env = await reclaimEnv();
    await allowRemoval(env);
    const [a, b] = await env.removable();
    env.sim.control.removeUsers([Number(b!.userId)]);
    const jobId = await startJob(env, [a!.userId, b!.userId]);
    await runReclaimToEnd(env.deps, jobId, SMALL);
    const items = await env.items(jobId);
    expect(items.map((i) => i.status)).toEqual(['removed', 'gone']);
    const row = (await env.users()).find((u) => u.userId === b!.userId);
    expect(row?.removedAt).not.toBeNull();
    expect(row?.reclaimedAt).toBeNull();
    // The simulator's own removal first (the test's), then Seatwise's one call.
    expect(env.removedAtSim()).toEqual([b!.userId, a!.userId]);
  });

  it('revoking the opt-in stops a running job before the next user', async () => {
    const env = await reclaimEnv();
    await allowRemoval(env);
    const ids = (await env.removable()).slice(0, 3).map((u) => u.userId);
    const jobId = await startJob(env, ids);
    await env.allow('no');
    await runReclaimToEnd(env.deps, jobId, SMALL);
    const job = await loadJob(env.deps.db, jobId);
    expect(job?.status).toBe('stopped');
    expect(job?.stopReason).toContain('Removing users was turned off');
    expect(env.removedAtSim()).toEqual([]);
  });

  it('waits while the connection’s lease is held (a sync slice), then runs', async () => {
    const env = await reclaimEnv();
    await allowRemoval(env);
    const ids = (await env.removable()).slice(0, 2).map((u) => u.userId);
    const jobId = await startJob(env, ids);
    const { acquireLease } = await import('../../src/lib/lease');
    await acquireLease(
      env.deps.db,
      { key: `sync:${env.connectionId}`, holder: 'a-sync', ttlMs: 5_000 },
      env.clock.now(),
    );
    expect(await runReclaimSlice(env.deps, jobId, SMALL)).toEqual({ status: 'busy' });
    expect(env.removedAtSim()).toEqual([]);
    expect((await runReclaimToEnd(env.deps, jobId, SMALL)).status).toBe('done');
    expect(env.removedAtSim().sort()).toEqual([...ids].sort());
  });
});

describe('sharing the connection with the sync', () => {
  it('waits while a sync runs; a sync started mid-reclaim gets the connection after that user and finishes', async () => {
    const env = await reclaimEnv();
    await allowRemoval(env);
    const ids = (await env.removable()).slice(0, 3).map((u) => u.userId);
    const jobId = await startJob(env, ids);
    // A sync at work: the reclaim does not take the lease.
    const { requestSyncNow, pendingSyncs } = await import('../../src/sync/sync-now');
    const { acquireLease, releaseLease } = await import('../../src/lib/lease');
    const { transition } = await import('../../src/connections/state-machine');
    const syncing = await transition(env.deps.db, {
      connection: await env.row(),
      to: 'syncing',
      actor: 'test',
      action: 'connection.state_changed',
      now: env.clock.now(),
    });
    const held = { key: `sync:${env.connectionId}`, holder: 'a-sync', ttlMs: 30_000 };
    await acquireLease(env.deps.db, held, env.clock.now());
    expect(await runReclaimSlice(env.deps, jobId, SMALL)).toEqual({ status: 'busy', syncing: true });
    await releaseLease(env.deps.db, held.key, held.holder);
    await transition(env.deps.db, {
      connection: syncing,
      to: 'connected',
      actor: 'test',
      action: 'connection.state_changed',
      now: env.clock.now(),
    });
    expect(env.removedAtSim()).toEqual([]);

    // Sync now pressed while the first removal is on its way: its slice finds the lease taken.
    let deletes = 0;
    env.breakNetwork(async (input, init) => {
      const req = new Request(input, init);
      if (req.method === 'DELETE' && ++deletes === 1) {
        expect((await requestSyncNow(env.deps, await env.row(), 'ada@example.com')).started).toBe(true);
        await Promise.all(pendingSyncs(env.deps));
      }
      return env.sim.fetch(req);
    });
    expect(await runReclaimSlice(env.deps, jobId, SMALL)).toEqual({ status: 'busy', syncing: true });
    env.breakNetwork(undefined);
    expect(env.removedAtSim()).toEqual([ids[0]]);
    // The reclaim carried the sync on; it finishes, then the reclaim does.
    for (let i = 0; i < 10; i++) await Promise.all([...pendingSyncs(env.deps), ...pendingReclaims(env.deps)]);
    const row = await env.row();
    expect(row.state).toBe('connected');
    const { syncRuns } = await import('../../db/schema');
    const runs = await env.deps.db.select().from(syncRuns).all();
    expect(runs.at(-1)?.status).toBe('succeeded');
    expect((await runReclaimToEnd(env.deps, jobId, SMALL)).status).toBe('done');
    expect([...env.removedAtSim()].sort()).toEqual([...ids].sort());
  });
});

describe('resuming unfinished jobs (cron firings, process start)', () => {
  it('in process: runs every unfinished job once per process; with a queue: one message per job', async () => {
    const env = await reclaimEnv();
    await allowRemoval(env);
    const [a, b] = await env.removable();
    const first = await startJob(env, [a!.userId]);
    const second = await startJob(env, [b!.userId]);
    expect(await resumeReclaimJobs(env.deps)).toBe(2);
    // A second call while they run starts nothing new in this process.
    await resumeReclaimJobs(env.deps);
    await Promise.all(pendingReclaims(env.deps));
    for (const id of [first, second]) expect((await loadJob(env.deps.db, id))?.status).toBe('done');
    expect(env.removedAtSim().sort()).toEqual([a!.userId, b!.userId].sort());
    expect(await resumeReclaimJobs(env.deps)).toBe(0);
  });

  it('with a queue: a live chain is left alone; a lost one gets exactly one new chain, and the old one dies', async () => {
    const env = await reclaimEnv({ queue: true });
    await allowRemoval(env);
    const [a, b] = await env.removable();
    const jobId = await startJob(env, [a!.userId, b!.userId]);
    await startReclaim(env.deps, jobId);
    const first = env.sent.filter((m) => m.type === 'reclaim');
    expect(first).toEqual([{ type: 'reclaim', jobId, turn: 1 }]);
    env.sent.length = 0;
    // Cron firings while the chain's message is on its way start nothing.
    for (let i = 0; i < 3; i++) {
      env.clock.advance(60_000);
      expect(await resumeReclaimJobs(env.deps)).toBe(0);
    }
    expect(env.sent).toEqual([]);
    // The message was lost: once it is long overdue, one firing starts one new chain, the next none.
    env.clock.advance(RECLAIM_TURN_OVERDUE_MS);
    expect(await resumeReclaimJobs(env.deps)).toBe(1);
    expect(await resumeReclaimJobs(env.deps)).toBe(0);
    expect(env.sent).toEqual([{ type: 'reclaim', jobId, turn: 2 }]);
    // The lost message turning up after all is dropped: no slice, no continuation.
    env.sent.length = 0;
    await deliver(env, first[0]);
    expect(env.sent).toEqual([]);
    expect((await loadJob(env.deps.db, jobId))?.slices).toBe(0);
  });
});

/** Hands one message to the queue consumer, as one delivery; resolves once it is acked. */
async function deliver(env: Awaited<ReturnType<typeof reclaimEnv>>, body: unknown): Promise<void> {
  let acked = false;
  await consumeSyncMessages(
    env.deps,
    [
      {
        body,
        attempts: 1,
        ack() {
          acked = true;
        },
        retry() {},
      },
    ],
    {},
  );
  expect(acked).toBe(true);
}

describe('one chain of messages per job', () => {
  it('a message delivered twice continues once; the job still ends with one completion', async () => {
    const env = await reclaimEnv({ queue: true });
    await allowRemoval(env);
    const ids = (await env.removable()).slice(0, 3).map((u) => u.userId);
    const jobId = await startJob(env, ids);
    await startReclaim(env.deps, jobId);
    let message = env.sent.find((m) => m.type === 'reclaim');
    let deliveries = 0;
    while (message && deliveries < 40) {
      env.sent.length = 0;
      // At-least-once delivery: every message arrives twice, one after the other.
      await deliver(env, message);
      await deliver(env, message);
      deliveries += 2;
      const next = env.sent.filter((m) => m.type === 'reclaim');
      expect(next.length).toBeLessThanOrEqual(1);
      message = next[0];
    }
    const job = await loadJob(env.deps.db, jobId);
    expect(job?.status).toBe('done');
    expect(env.removedAtSim().sort()).toEqual([...ids].sort());
  });

  it('a message from before turns existed (no turn) still runs a job that never had a chain', async () => {
    const env = await reclaimEnv({ queue: true });
    await allowRemoval(env);
    const [a] = await env.removable();
    const jobId = await startJob(env, [a!.userId]);
    // As a job approved before the upgrade: turn 0, no due time.
    await env.deps.db.update(reclaimJobs).set({ turn: 0, turnDueAt: null }).where(eq(reclaimJobs.id, jobId));
    env.sent.length = 0;
    await deliver(env, { type: 'reclaim', jobId });
    expect((await loadJob(env.deps.db, jobId))?.slices).toBeGreaterThan(0);
  });
});

describe('the queue and the completion event', () => {
  it('a reclaim message runs slices and enqueues continuations until done; reclaim.completed is sent once', async () => {
    const env = await reclaimEnv({ queue: true, start: Date.now() });
    await allowRemoval(env);
    const r = await receiver();
    const { secret } = await addEndpoint(orgScope(env.deps.db, 'local'), env.deps.sealer, {
      url: r.url,
      events: ['reclaim.completed'],
      format: 'standard',
      actor: 'test',
      now: env.clock.now(),
    });
    const ids = (await env.removable()).slice(0, 5).map((u) => u.userId);
    const jobId = await startJob(env, ids);
    env.sent.length = 0;
    env.sent.push({ type: 'reclaim', jobId });
    let messages = 0;
    while (env.sent.length > 0 && messages < 50) {
      const body = env.sent.shift();
      messages += 1;
      await deliver(env, body);
      // Until the job is finished, every slice leaves its continuation on the queue.
      if ((body as { type: string }).type === 'reclaim') {
        const job = await loadJob(env.deps.db, jobId);
        if (job?.finishedAt == null) expect(env.sent.some((m) => m.type === 'reclaim')).toBe(true);
      }
    }
    expect(env.removedAtSim().sort()).toEqual([...ids].sort());
    await settleWebhookDeliveries(env.deps);
    const events = r.received.map(
      (x) => new Webhook(secret).verify(x.body, headerRecord(x.headers)) as Record<string, unknown>,
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'reclaim.completed',
      organization: { id: 'local' },
      data: { jobId, status: 'done', removed: 5, total: 5, approvedBy: 'ada@example.com' },
    });
  });
});
