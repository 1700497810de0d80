import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { webhookEndpoints } from '../../db/schema';
import { orgScope } from '../../src/lib/scope';
import { settleWebhookDeliveries } from '../../src/webhooks/deliver';
import { addEndpoint } from '../../src/webhooks/store';
import { syncEnv } from '../sync/support';
import { headerRecord, receiver } from './support';

type Env = Awaited<ReturnType<typeof syncEnv>>;
// biome-ignore lint/suspicious/noExplicitAny: JSON payloads read back in assertions
type Json = any;

async function subscribe(env: Env, events: string[]) {
  const r = await receiver();
  const { secret } = await addEndpoint(orgScope(env.deps.db, 'local'), env.deps.sealer, {
    url: r.url,
    events,
    format: 'standard',
    actor: 'test',
    now: env.clock.now(),
  });
  const payloads = async () => {
    await settleWebhookDeliveries(env.deps);
    // Verified as any receiver would, with the independent Standard Webhooks library.
    return r.received.map(
      (x) => new Webhook(secret).verify(x.body, headerRecord(x.headers)) as Record<string, Json>,
    );
  };
  return { payloads };
}

describe('events from the sync', () => {
  it('sends a signed sync.completed with the connection and counts when a run finishes', async () => {
    // The verifier refuses timestamps far from the wall clock, so this enterprise lives now.
    const env = await syncEnv({ start: Date.now() });
    const hook = await subscribe(env, ['sync.completed', 'connection.recovered']);
    const outcomes = await env.syncToEnd();
    expect(outcomes.at(-1)?.status).toBe('done');
    const [event, ...rest] = await hook.payloads();
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      type: 'sync.completed',
      organization: { id: 'local' },
      connection: {
        id: env.connectionId,
        vendor: 'bluejeans',
        state: 'connected',
        enterpriseId: env.sim.enterpriseId,
      },
      data: { trigger: 'cli', links: { dashboard: '/' } },
    });
    expect(event!.data.rowsWritten).toBeGreaterThan(0);
    expect(event!.data.streams.meetings.upserted).toBeGreaterThan(0);
    expect(Date.parse(event!.timestamp)).toBe(env.clock.now());
  });

  it('sends sync.failed with the error, then connection.recovered and sync.completed when it syncs again', async () => {
    const env = await syncEnv({ start: Date.now() });
    const hook = await subscribe(env, [
      'sync.failed',
      'sync.completed',
      'connection.recovered',
      'connection.needs_reauth',
    ]);
    env.breakNetwork(async () => new Response('down', { status: 503 }));
    const { runUntilSettled } = await import('../../src/sync/engine');
    const failed = await runUntilSettled(env.deps, {
      connectionId: env.connectionId,
      trigger: 'cli',
      force: true,
      options: { requestBudget: 50 },
    });
    expect(failed.outcome.status).toBe('failed');
    const [failure] = await hook.payloads();
    expect(failure).toMatchObject({
      type: 'sync.failed',
      connection: { id: env.connectionId, state: 'sync_error' },
      data: { kind: 'transient', consecutiveFailures: 1 },
    });
    expect(failure!.data.error.message).toEqual(expect.any(String));
    expect(failure!.data.nextRetryAt).toEqual(expect.any(String));

    env.breakNetwork(undefined);
    await env.syncToEnd();
    const types = (await hook.payloads()).map((p) => p.type);
    expect(types).toEqual(['sync.failed', 'sync.completed', 'connection.recovered']);
    await env.deps.db.delete(webhookEndpoints);
  });

  it('sends licences.reclaimable after a sync only when the number of reclaim recommendations changed', async () => {
    const env = await syncEnv({ start: Date.now() });
    const hook = await subscribe(env, ['licences.reclaimable']);
    await env.syncToEnd();
    const { reclaimRecommendationCount } = await import('../../src/licences/summary');
    const count = await reclaimRecommendationCount(env.deps.db, 'local', env.clock.now());
    expect(count).toBeGreaterThan(0);
    const first = await hook.payloads();
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({
      type: 'licences.reclaimable',
      data: { reclaimable: count, previous: 0, change: count },
    });
    // The same data again: the count did not change, so nothing is sent.
    env.clock.advance(60 * 60_000);
    await env.syncToEnd();
    expect(await hook.payloads()).toHaveLength(1);
  });
});
