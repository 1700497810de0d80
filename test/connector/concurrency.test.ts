import { describe, expect, it } from 'vitest';
import { leases } from '../../db/schema';
import { createBlueJeansConnector } from '../../src/connectors/bluejeans';
import { ConnectorError } from '../../src/connectors/types';
import { bjEnv, openDb, walk } from './support';

describe('one token request per connection at a time', () => {
  it('two workers (separate database connections) minting at once make one token request', async () => {
    // Latency widens the race: both see an empty cache before either has a token.
    const env = await bjEnv({ sim: { latencyMs: 200 } });
    const other = createBlueJeansConnector({
      fetch: env.fetch,
      clock: env.clock,
      db: openDb(env.url),
      sealer: env.sealer,
      apiBase: 'https://bj.sim.test',
      requestsPerSecond: 1000,
    });
    const a = env.connector.session(env.stored());
    const b = other.session(env.stored());
    const [ea, eb] = await Promise.all([a.accountId(), b.accountId()]);
    expect(ea).toBe(env.sim.enterpriseId);
    expect(eb).toBe(env.sim.enterpriseId);
    expect(env.sim.control.stats().tokenRequests).toBe(1);
    // The lease was released.
    expect(await env.db.select().from(leases)).toEqual([]);
  });

  it('many streams of one session share one mint', async () => {
    const env = await bjEnv({ sim: { latencyMs: 50 } });
    const s = env.connector.session(env.stored());
    await Promise.all([
      walk(s.users().start()),
      walk(s.meetings(env.range).start()),
      walk(s.activeUsers(env.range).start()),
      walk(env.connector.session(env.stored()).meetingUsage(env.range).start()),
    ]);
    expect(env.sim.control.stats().tokenRequests).toBe(1);
  });

  it('a waiter re-reads the cache when the holder finishes, or takes over a lease whose holder died', async () => {
    const env = await bjEnv();
    const start = env.clock.now();
    // A crashed worker left its lease behind without a token.
    await env.db
      .insert(leases)
      .values({ key: `token:${env.conn.id}`, holder: 'dead-worker', expiresAt: start + 30_000 });
    await env.connector.session(env.stored()).accountId();
    expect(env.clock.now() - start).toBeGreaterThanOrEqual(30_000);
    expect(env.sim.control.stats().tokenRequests).toBe(1);
  });

  it('gives up waiting with a transient error rather than minting beside the holder', async () => {
    const env = await bjEnv({ config: { tokenLeaseMs: 120_000, tokenWaitMs: 5_000 } });
    await env.db
      .insert(leases)
      .values({ key: `token:${env.conn.id}`, holder: 'slow-worker', expiresAt: env.clock.now() + 120_000 });
    const e = await env.connector
      .session(env.stored())
      .accountId()
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConnectorError);
    expect([(e as ConnectorError).kind, (e as ConnectorError).code]).toEqual(['transient', 'token_busy']);
    expect(env.sim.control.stats().tokenRequests).toBe(0);
  });
});
