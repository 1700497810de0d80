import { describe, expect, it } from 'vitest';
import type { BlueJeansSession } from '../../src/connectors/bluejeans';
import { ConnectorError } from '../../src/connectors/types';
import { bjEnv, walk } from './support';

type Env = Awaited<ReturnType<typeof bjEnv>>;

async function walkAll(env: Env) {
  const s: BlueJeansSession = env.connector.session(env.stored());
  return {
    users: (await walk(s.users().start())).records,
    meetings: (await walk(s.meetings(env.range).start())).records,
    history: (await walk(s.meetingHistory(env.range).start())).records,
    active: (await walk(s.activeUsers(env.range).start())).records,
    usage: (await walk(s.meetingUsage(env.range).start())).records,
    top: (await walk(s.topUsers(env.range).start())).records,
  };
}

describe('faults', () => {
  it('with 429s, 5xx, latency and malformed bodies, every walk completes with identical results', async () => {
    const clean = await walkAll(await bjEnv());
    const env = await bjEnv({ sim: { faultRate: 0.15, malformedRate: 0.1, latencyMs: 20, rateLimit: 2 } });
    const faulty = await walkAll(env);
    expect(faulty).toEqual(clean);
    const stats = env.sim.control.stats();
    expect(stats.serverErrors).toBeGreaterThan(5);
    expect(stats.malformed).toBeGreaterThan(0);
    expect(stats.rateLimited).toBeGreaterThan(5);
    // One token for the whole run: faults never cost a re-mint.
    expect(stats.tokenRequests).toBe(1);
  });

  it('waits exactly what Retry-After says (seen on the injected clock, not wall time)', async () => {
    const env = await bjEnv({ sim: { rateLimit: 2 } });
    const started = Date.now();
    await walk(env.connector.session(env.stored()).meetings(env.range).start());
    const { rateLimited } = env.sim.control.stats();
    expect(rateLimited).toBeGreaterThan(3);
    // The simulator answers Retry-After: 1; the connector's own pacing (1000/s) never waits a whole second.
    expect(env.clock.slept.filter((ms) => ms === 1000)).toHaveLength(rateLimited);
    expect(env.clock.slept.every((ms) => ms === 1000 || ms < 10)).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('paces itself at the configured rate, one limiter shared by every session and stream of a connection', async () => {
    // Pages of two streams from two sessions, taken in turn (the manual clock cannot overlap sleeps).
    const interleave = async (env: Env, separate: boolean) => {
      const opts = (n: number) => (separate ? { limiter: env.make().limiterFor(`other-${n}`) } : {});
      const a = env.connector.session(env.stored(), opts(1)).users().start();
      const b = env.connector.session(env.stored(), opts(2)).meetings(env.range).start();
      await env.connector.session(env.stored()).accountId();
      let doneA = false;
      let doneB = false;
      while (!doneA || !doneB) {
        if (!doneA) doneA = Boolean((await a.next()).done);
        if (!doneB) doneB = Boolean((await b.next()).done);
      }
      return env.sim.control.stats().rateLimited;
    };
    const shared = await bjEnv({ sim: { rateLimit: 2 }, deps: { requestsPerSecond: 2 } });
    expect(await interleave(shared, false)).toBe(0);
    // The same walk with a limiter per session goes twice as fast as allowed and gets refused.
    const separate = await bjEnv({ sim: { rateLimit: 2 }, deps: { requestsPerSecond: 2 } });
    expect(await interleave(separate, true)).toBeGreaterThan(3);
  });

  it('does not retry a 4xx: a refused enterprise is one request and a clear error', async () => {
    const env = await bjEnv({ sim: { faultRate: 0 } });
    const s = env.connector.session({ ...env.stored(), enterpriseId: '1234' });
    const e = await walk(s.users().start()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConnectorError);
    expect([(e as ConnectorError).kind, (e as ConnectorError).code]).toEqual([
      'auth',
      'not_enterprise_admin',
    ]);
    expect(env.sim.control.stats().byOperation.searchUsers).toBe(1);
    expect(env.clock.slept).toEqual([]);
  });

  it('a persistent outage ends in a transient error after 5 retries, within the wait cap', async () => {
    const env = await bjEnv({ sim: { faultRate: 1 } });
    const e = await walk(env.connector.session(env.stored()).users().start()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ConnectorError);
    expect((e as ConnectorError).kind).toBe('transient');
    expect(env.sim.control.stats().byOperation.searchUsers).toBe(6);
    expect(env.clock.slept.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(10 * 60_000);
  });
});
