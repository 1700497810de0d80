import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../sim/index';
import { appToken, filterParam, get, getJson, makeSim, T0, tokenRequest, userToken } from './helpers';

async function trace(sim: Simulator, n: number): Promise<string[]> {
  const token = await appToken(sim);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await get(
      sim,
      `/v1/enterprise/${sim.enterpriseId}/users?pageSize=5&pageNumber=${(i % 4) + 1}`,
      token,
    );
    out.push(`${res.status} ${(await res.text()).length}`);
  }
  return out;
}

function post(sim: Simulator, path: string, body?: unknown): Promise<Response> {
  return sim.fetch(
    new Request(`http://sim${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    }),
  );
}

describe('seeded faults', () => {
  it('replay exactly for the same seed, differ for another, and replay again after reset', async () => {
    const opts = { seed: 21, faultRate: 0.25, malformedRate: 0.2 };
    const a = await trace(makeSim(opts).sim, 80);
    const b = await trace(makeSim(opts).sim, 80);
    expect(a).toEqual(b);
    expect(a.filter((s) => s.startsWith('5')).length).toBeGreaterThan(5);
    const c = await trace(makeSim({ ...opts, seed: 22 }).sim, 80);
    expect(c).not.toEqual(a);
    const { sim } = makeSim(opts);
    const first = await trace(sim, 40);
    sim.control.reset();
    expect(await trace(sim, 40)).toEqual(first);
  });

  it('malformed bodies are 200 JSON responses that do not parse', async () => {
    const { sim } = makeSim({ malformedRate: 1 });
    const token = await appToken(sim);
    for (let i = 0; i < 6; i++) {
      const res = await get(sim, `/v1/enterprise/${sim.enterpriseId}/indigo/meetings?limit=5`, token);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/json');
      const text = await res.text();
      expect(() => JSON.parse(text)).toThrow();
    }
    expect(sim.control.stats().malformed).toBe(6);
  });

  it('token and auth endpoints never get 5xx or malformed faults', async () => {
    const { sim } = makeSim({ faultRate: 1, malformedRate: 1 });
    const token = await appToken(sim);
    expect((await get(sim, `/oauth2/tokenInfo?access_token=${token}`)).status).toBe(200);
  });

  it('latency goes through the injected sleep', async () => {
    const slept: number[] = [];
    const { sim } = makeSim({ latencyMs: 250, sleep: async (ms) => void slept.push(ms) });
    const token = await appToken(sim);
    await get(sim, `/v1/enterprise/${sim.enterpriseId}/users`, token);
    expect(slept).toEqual([250, 250]);
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After past the rate, per caller, and recovers with time', async () => {
    const { sim, clock } = makeSim({ rateLimit: 3 });
    const app = await appToken(sim); // the token request spends one of the app's three
    const admin = await userToken(sim, 'admin');
    const users = `/v1/enterprise/${sim.enterpriseId}/users`;
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get(sim, users, app)).status);
    expect(statuses).toEqual([200, 200, 429]);
    const limited = await get(sim, users, app);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(((await limited.json()) as { message: string }).message).toMatch(/rate limit/i);
    // Another caller has its own budget.
    expect((await get(sim, users, admin)).status).toBe(200);
    clock.advance(1000);
    expect((await get(sim, users, app)).status).toBe(200);
    expect(sim.control.stats().rateLimited).toBe(2);
  });

  it('a fractional rate asks for a longer wait', async () => {
    const { sim, clock } = makeSim();
    const token = await appToken(sim);
    sim.control.setFaults({ rateLimit: 0.25 });
    const users = `/v1/enterprise/${sim.enterpriseId}/users`;
    expect((await get(sim, users, token)).status).toBe(200);
    const limited = await get(sim, users, token);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('4');
    clock.advance(4000);
    expect((await get(sim, users, token)).status).toBe(200);
  });
});

describe('late-arriving meetings', () => {
  it('a meeting appears only some time after it ended', async () => {
    const { sim, clock } = makeSim({ users: 80, days: 2, lateArrivalMinutes: 90, tokenTtlSeconds: 86_400 });
    const token = await appToken(sim);
    const listing = async () =>
      (
        await getJson<{ count: number; meetings: { meetingUUID: string; endTime: number }[] }>(
          sim,
          `/v1/enterprise/${sim.enterpriseId}/indigo/meetings?limit=1000&count=true&filter=${filterParam([
            {
              type: 'date',
              value: new Date(T0 - 6 * 3600_000).toISOString(),
              field: 'startTime',
              comparison: 'gt',
            },
          ])}`,
          token,
        )
      ).meetings;
    const before = await listing();
    for (const m of before) expect(m.endTime).toBeLessThanOrEqual(T0);
    clock.advance(91 * 60_000);
    const after = await listing();
    const seen = new Set(before.map((m) => m.meetingUUID));
    const arrived = after.filter((m) => !seen.has(m.meetingUUID));
    // Some meetings that had already ended at T0 only show up now.
    expect(arrived.some((m) => m.endTime <= T0)).toBe(true);
    for (const m of before) expect(after.some((x) => x.meetingUUID === m.meetingUUID)).toBe(true);
    const late = arrived.find((m) => m.endTime <= T0);
    clock.advance(-91 * 60_000);
    expect(
      (await get(sim, `/v1/enterprise/${sim.enterpriseId}/indigo/meetings/${late?.meetingUUID}`, token))
        .status,
    ).toBe(404);
  });
});

describe('users removed between listings', () => {
  it('each new listing after the first starts with some users gone, the same ones on replay', async () => {
    const run = async () => {
      const { sim } = makeSim({ users: 100, removeUsersPerListing: 3 });
      const token = await appToken(sim);
      const counts: number[] = [];
      for (let i = 0; i < 3; i++) {
        const first = await getJson<{ count: number }>(
          sim,
          `/v1/enterprise/${sim.enterpriseId}/users?pageSize=10`,
          token,
        );
        counts.push(first.count);
        // Later pages of the same listing do not churn.
        const second = await getJson<{ count: number }>(
          sim,
          `/v1/enterprise/${sim.enterpriseId}/users?pageSize=10&pageNumber=2`,
          token,
        );
        expect(second.count).toBe(first.count);
      }
      return { counts, removed: sim.control.stats().removedUserIds };
    };
    const a = await run();
    expect(a.counts[1]).toBe((a.counts[0] ?? 0) - 3);
    expect(a.counts[2]).toBe((a.counts[0] ?? 0) - 6);
    expect(a.removed).toHaveLength(6);
    expect((await run()).removed).toEqual(a.removed);
  });
});

describe('credential faults', () => {
  it('revoking the app mid-run kills its tokens and its credentials until restored', async () => {
    const { sim } = makeSim();
    const token = await appToken(sim);
    const users = `/v1/enterprise/${sim.enterpriseId}/users`;
    expect((await get(sim, users, token)).status).toBe(200);
    expect(sim.control.revokeApp(sim.credentials.appKey)).toBe(true);
    expect((await get(sim, users, token)).status).toBe(401);
    const denied = await tokenRequest(sim, {
      grant_type: 'client_credentials',
      client_id: 'demo-app-key',
      client_secret: 'demo-app-secret',
    });
    expect(denied.status).toBe(401);
    expect(sim.control.restoreApp(sim.credentials.appKey)).toBe(true);
    expect((await get(sim, users, token)).status).toBe(401);
    expect((await get(sim, users, await appToken(sim))).status).toBe(200);
    expect(sim.control.revokeApp('no-such-app')).toBe(false);
  });

  it('a disabled OAuth Access tab refuses client-credential grants with its own message', async () => {
    const { sim } = makeSim({ oauthAccessDisabled: true });
    const res = await tokenRequest(sim, {
      grant_type: 'client_credentials',
      client_id: 'demo-app-key',
      client_secret: 'demo-app-secret',
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { message: string }).message).toMatch(/OAuth access is not enabled/);
  });
});

describe('the /__sim/ control endpoint', () => {
  it('mirrors control: faults, stats, removals, app revocation and reset; its own calls are not counted', async () => {
    const { sim } = makeSim({ users: 50 });
    const info = (await (await get(sim, '/__sim/info')).json()) as {
      enterpriseId: number;
      credentials: { appKey: string };
    };
    expect(String(info.enterpriseId)).toBe(sim.enterpriseId);
    const faults = (await (await post(sim, '/__sim/faults', { faultRate: 0.5, latencyMs: 0 })).json()) as {
      faultRate: number;
    };
    expect(faults.faultRate).toBe(0.5);
    expect((await post(sim, '/__sim/faults', { faultRate: 2 })).status).toBe(400);
    expect((await post(sim, '/__sim/faults', { nonsense: 1 })).status).toBe(400);
    await post(sim, '/__sim/faults', { faultRate: 0 });

    const token = await appToken(sim);
    const before = await getJson<{ count: number; user: { id: number }[] }>(
      sim,
      `/v1/enterprise/${sim.enterpriseId}/users?pageSize=100`,
      token,
    );
    const victim = before.user[5]?.id;
    const removed = (await (await post(sim, '/__sim/users/remove', { ids: [victim] })).json()) as {
      removed: number[];
    };
    expect(removed.removed).toEqual([victim]);
    const byCount = (await (await post(sim, '/__sim/users/remove', { count: 2 })).json()) as {
      removed: number[];
    };
    expect(byCount.removed).toHaveLength(2);
    const after = await getJson<{ count: number }>(
      sim,
      `/v1/enterprise/${sim.enterpriseId}/users?pageSize=100`,
      token,
    );
    expect(after.count).toBe(before.count - 3);

    expect((await post(sim, `/__sim/apps/${info.credentials.appKey}/revoke`)).status).toBe(204);
    expect((await get(sim, `/v1/enterprise/${sim.enterpriseId}/users`, token)).status).toBe(401);
    expect((await post(sim, '/__sim/apps/unknown/revoke')).status).toBe(404);

    const stats = (await (await get(sim, '/__sim/stats')).json()) as {
      requests: number;
      tokenRequests: number;
      byOperation: Record<string, number>;
    };
    expect(stats.tokenRequests).toBe(1);
    expect(stats.byOperation).toEqual({ oauthToken: 1, searchUsers: 3 });
    expect(stats.requests).toBe(4);

    expect((await post(sim, '/__sim/reset')).status).toBe(204);
    expect(sim.control.stats().requests).toBe(0);
    expect(sim.control.faults().faultRate).toBe(0);
    const fresh = await appToken(sim);
    expect(
      (await getJson<{ count: number }>(sim, `/v1/enterprise/${sim.enterpriseId}/users`, fresh)).count,
    ).toBe(before.count);
  });

  it('counts concurrent token requests individually', async () => {
    const { sim } = makeSim();
    await Promise.all([appToken(sim), appToken(sim)]);
    expect(sim.control.stats().tokenRequests).toBe(2);
  });
});
