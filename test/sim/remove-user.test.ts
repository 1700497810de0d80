import { beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from '../../sim/index';
import { appToken, filterParam, get, getJson, makeSim, SpecValidator, T0, userToken } from './helpers';

let spec: SpecValidator;
beforeAll(async () => {
  spec = await SpecValidator.load();
});

function remove(sim: Simulator, userId: number | string, token?: string, enterprise = sim.enterpriseId) {
  return sim.fetch(
    new Request(`http://sim/v1/enterprise/${enterprise}/users/${userId}`, {
      method: 'DELETE',
      ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    }),
  );
}

async function listedIds(sim: Simulator, token: string): Promise<{ count: number; ids: number[] }> {
  const body = await getJson<{ count: number; user: { id: number }[] }>(
    sim,
    `/v1/enterprise/${sim.enterpriseId}/users?pageSize=1000&fields=username`,
    token,
  );
  return { count: body.count, ids: body.user.map((u) => u.id) };
}

describe('removeUser', () => {
  it('answers 204, and the user is gone from listings, getUser, the profile and their own tokens', async () => {
    const { sim } = makeSim();
    const app = await appToken(sim);
    const plain = await userToken(sim, 'plain');
    const before = await listedIds(sim, app);
    const victim = before.ids[10] as number;
    const plainId = (await getJson<{ user: number }>(sim, `/oauth2/tokenInfo?access_token=${plain}`, plain))
      .user;

    const res = await remove(sim, victim, app);
    expect(res.status).toBe(204);
    await spec.check('removeUser', res);

    const after = await listedIds(sim, app);
    expect(after.count).toBe(before.count - 1);
    expect(after.ids).not.toContain(victim);
    expect(after.ids.length).toBe(before.ids.length - 1);
    const account = await get(sim, `/v1/user/${victim}`, app);
    expect(account.status).toBe(404);
    await spec.check('getUser', account);
    expect((await get(sim, `/v1/user/${victim}/enterprise_profile`, app)).status).toBe(404);

    // The demo user can be removed through the API (churn spares it); its token stops working.
    expect((await remove(sim, plainId, app)).status).toBe(204);
    expect((await get(sim, `/v1/user/${plainId}`, plain)).status).toBe(401);

    const stats = sim.control.stats();
    expect(stats.byOperation.removeUser).toBe(2);
    expect(stats.removedUserIds).toEqual([victim, plainId]);
    expect(stats.byStatus['204']).toBe(2);
  });

  it('answers 404 for an unknown or already removed user, with the spec error body', async () => {
    const { sim } = makeSim();
    const app = await appToken(sim);
    const victim = (await listedIds(sim, app)).ids[3] as number;
    expect((await remove(sim, victim, app)).status).toBe(204);
    for (const id of [victim, 999_999_999]) {
      const res = await remove(sim, id, app);
      expect(res.status).toBe(404);
      const body = await spec.check<{ message: string }>('removeUser', res);
      expect(body.message).toBe('User not found');
    }
    const bad = await remove(sim, 'abc', app);
    expect(bad.status).toBe(400);
    await spec.check('removeUser', bad);
    expect(sim.control.stats().removedUserIds).toEqual([victim]);
  });

  it('refuses without an enterprise-admin token and removes nobody', async () => {
    const { sim } = makeSim();
    const app = await appToken(sim);
    const plain = await userToken(sim, 'plain');
    const admin = await userToken(sim, 'admin');
    const ids = (await listedIds(sim, app)).ids;
    const victim = ids[5] as number;
    const adminId = (await getJson<{ user: number }>(sim, `/oauth2/tokenInfo?access_token=${admin}`, admin))
      .user;

    const cases: [string | undefined, number | string, string, number][] = [
      [undefined, victim, sim.enterpriseId, 401],
      ['not-a-token', victim, sim.enterpriseId, 401],
      [plain, victim, sim.enterpriseId, 403],
      [app, victim, '999', 403],
      [admin, adminId, sim.enterpriseId, 403],
    ];
    for (const [token, id, enterprise, status] of cases) {
      const res = await remove(sim, id, token, enterprise);
      expect(res.status, `${token} ${id} ${enterprise}`).toBe(status);
      await spec.check('removeUser', res);
    }
    expect((await listedIds(sim, app)).ids).toEqual(ids);
    expect(sim.control.stats().removedUserIds).toEqual([]);

    // An enterprise admin's own token may remove someone else.
    expect((await remove(sim, victim, admin)).status).toBe(204);
  });

  it('is rate limited and faulted like every data endpoint', async () => {
    const { sim } = makeSim({ faultRate: 1 });
    const app = await appToken(sim);
    const res = await remove(sim, 12345, app);
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(sim.control.stats().removedUserIds).toEqual([]);
  });
});

describe('getMeetingsLiveByEnterprise', () => {
  it('lists exactly the meetings in progress, conforming to MeetingIndigoList', async () => {
    const { sim, clock } = makeSim({ users: 80 });
    const e = sim.enterpriseId;
    const app = await appToken(sim);
    const live = await get(sim, `/v1/enterprise/${e}/indigo/meetings/live`, app);
    expect(live.status).toBe(200);
    const body = await spec.check<{
      meetings: {
        meetingUUID: string;
        startTime: number;
        endTime: number;
        liveVisibleEndpointsCount: number;
      }[];
    }>('getMeetingsLiveByEnterprise', live);
    expect(body.meetings.length).toBeGreaterThan(0);
    for (const m of body.meetings) {
      expect(m.startTime).toBeLessThanOrEqual(T0);
      expect(m.endTime).toBeGreaterThan(T0);
      expect(m.liveVisibleEndpointsCount).toBeGreaterThan(0);
    }

    // Later, the past listing shows what was running at T0: the same set.
    clock.set(T0 + 5 * 3_600_000);
    const later = await appToken(sim);
    const window = filterParam([
      {
        type: 'date',
        value: new Date(T0 - 5 * 3_600_000).toISOString(),
        field: 'startTime',
        comparison: 'gt',
      },
    ]);
    const past = await getJson<{ meetings: { meetingUUID: string; startTime: number; endTime: number }[] }>(
      sim,
      `/v1/enterprise/${e}/indigo/meetings?limit=1000&filter=${window}`,
      later,
    );
    const runningAtT0 = past.meetings
      .filter((m) => m.startTime <= T0 && m.endTime > T0)
      .map((m) => m.meetingUUID);
    expect(body.meetings.map((m) => m.meetingUUID).sort()).toEqual(runningAtT0.sort());
  });

  it('is an enterprise endpoint: 401 without a token, 403 for a non-admin', async () => {
    const { sim } = makeSim();
    const plain = await userToken(sim, 'plain');
    const path = `/v1/enterprise/${sim.enterpriseId}/indigo/meetings/live`;
    const none = await get(sim, path);
    expect(none.status).toBe(401);
    await spec.check('getMeetingsLiveByEnterprise', none);
    const denied = await get(sim, path, plain);
    expect(denied.status).toBe(403);
    await spec.check('getMeetingsLiveByEnterprise', denied);
    expect(sim.control.stats().byOperation.getMeetingsLiveByEnterprise).toBe(2);
    expect(sim.control.stats().byOperation.getMeetingPastByEnterprise).toBeUndefined();
  });
});
