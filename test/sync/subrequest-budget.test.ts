/**
 * One subrequest budget per invocation (Workers): database round trips and BlueJeans requests drawn from
 * the same budget, shared by every message of a queue batch. The database here is embedded, so its
 * client is wrapped to charge each call the way the Worker's HTTP client charges each fetch.
 */
import type { Client } from '@libsql/client';
import { describe, expect, it } from 'vitest';
import { syncRuns } from '../../db/schema';
import type { FetchLike } from '../../src/connectors/types';
import type { QueueMessage } from '../../src/deps';
import { chargingFetch, currentBudget, withBudget } from '../../src/lib/invocation';
import { createRequestBudget, SUBREQUEST_PRESETS } from '../../src/lib/request-budget';
import { consumeSyncMessages, type QueueItem } from '../../src/sync/queue';
import { snapshot, syncEnv, TEST_SYNC } from './support';

describe('request budgets', () => {
  it('charge their parents and never allow more than the parent keeps free', () => {
    const root = createRequestBudget(10);
    const child = createRequestBudget(6, { parent: root });
    const grandchild = createRequestBudget(100, { parent: child, reserve: 2 });
    expect(grandchild.remaining).toBe(4);
    for (let i = 0; i < 4; i++) expect(grandchild.tryTake()).toBe(true);
    expect(grandchild.tryTake()).toBe(false);
    expect([grandchild.used, child.used, root.used]).toEqual([4, 4, 4]);
    // What the reserve kept is charged whatever is left (closing round trips).
    child.charge();
    child.charge();
    expect([child.remaining, root.remaining]).toEqual([0, 4]);
    expect(child.tryTake()).toBe(false);
    expect(root.tryTake()).toBe(true);
  });

  it('has the Workers presets: free 50, paid 1,000', () => {
    expect(SUBREQUEST_PRESETS).toEqual({ free: 50, paid: 1000 });
  });

  it('charge each fetch to the invocation that made it, concurrent invocations apart', async () => {
    const fetchLike = chargingFetch(async () => new Response('ok'));
    const a = createRequestBudget(50);
    const b = createRequestBudget(50);
    await Promise.all([
      withBudget(a, async () => {
        for (let i = 0; i < 3; i++) {
          await fetchLike('http://127.0.0.1/x');
          await new Promise((r) => setTimeout(r, 1));
        }
      }),
      withBudget(b, async () => {
        await new Promise((r) => setTimeout(r, 1));
        await fetchLike('http://127.0.0.1/y');
      }),
    ]);
    expect([a.used, b.used]).toEqual([3, 1]);
    // Outside any invocation nothing is charged.
    await fetchLike('http://127.0.0.1/z');
    expect(currentBudget()).toBeUndefined();
    expect([a.used, b.used]).toEqual([3, 1]);
  });
});

/** Charges every call of the embedded client to the current budget, and counts them independently. */
function chargeDatabase(client: Client, counter: { n: number }) {
  const c = client as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
  for (const name of ['execute', 'batch', 'executeMultiple', 'transaction', 'migrate']) {
    const inner = c[name]?.bind(client);
    if (!inner) continue;
    c[name] = (...args: unknown[]) => {
      counter.n += 1;
      currentBudget()?.charge();
      return inner(...args);
    };
  }
}

function item(body: unknown) {
  const state = { acked: false, retried: false };
  const it: QueueItem = {
    body,
    attempts: 1,
    ack: () => {
      state.acked = true;
    },
    retry: () => {
      state.retried = true;
    },
  };
  return { it, state };
}

describe('a full sync on the free preset', () => {
  it('stays within 50 subrequests per invocation of up to five messages and stores what an unbudgeted run stores', async () => {
    const reference = await syncEnv();
    await reference.syncToEnd();
    const expected = await snapshot(reference.deps.db);

    const env = await syncEnv({ queue: true });
    const made = { n: 0 };
    chargeDatabase(env.deps.db.$client, made);
    const counted: FetchLike = async (input, init) => {
      made.n += 1;
      return env.sim.fetch(new Request(input, init));
    };
    env.breakNetwork(counted);
    let handedOn = 0;
    const info = env.deps.logger.info.bind(env.deps.logger);
    env.deps.logger.info = (msg, fields) => {
      if (msg.includes('handed on')) handedOn += 1;
      info(msg, fields);
    };
    const message: QueueMessage = { type: 'sync', connectionId: env.connectionId, trigger: 'manual' };
    // Delivered five times at once (at-least-once), then whatever the consumer enqueued, five a batch.
    env.sent.push(message, message, message, message, message);
    const perInvocation: number[] = [];
    while (env.sent.length > 0 && perInvocation.length < 500) {
      const batch = env.sent.splice(0, 5).map(item);
      const budget = createRequestBudget(SUBREQUEST_PRESETS.free);
      const before = made.n;
      await withBudget(budget, () =>
        consumeSyncMessages(
          env.deps,
          batch.map((b) => b.it),
          TEST_SYNC,
          budget,
        ),
      );
      perInvocation.push(made.n - before);
      // The budget saw every call the invocation made.
      expect(budget.used).toBe(made.n - before);
      expect(batch.every((b) => b.state.acked && !b.state.retried)).toBe(true);
    }
    expect((await env.row()).state).toBe('connected');
    expect(Math.max(...perInvocation)).toBeLessThanOrEqual(50);
    const runs = await env.deps.db.select().from(syncRuns);
    expect(runs.map((r) => [r.trigger, r.status])).toEqual([['manual', 'succeeded']]);
    expect(runs[0]!.slices).toBeGreaterThan(5);
    // Five slices never fit in 50: the first batch handed some of its copies on to a later invocation.
    expect(handedOn).toBeGreaterThan(0);
    expect(await snapshot(env.deps.db)).toEqual(expected);
  }, 120_000);
});
