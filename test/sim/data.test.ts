import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../sim/index';
import { appToken, filterParam, get, getJson, makeSim, T0, testClock, walkPages } from './helpers';

const DAY = 86_400_000;

interface Indigo {
  meetingUUID: string;
  meetingId: string;
  userName: string;
  email: string;
  startTime: number;
  endTime: number;
  totalCallSeconds: number;
  endpointsCount: number;
  concurrentEndpoints: number;
  personal: boolean;
  largeMeeting: boolean;
  meetingRecording: boolean;
  contentShare: boolean;
  videoShare: boolean;
}
interface History {
  meetingGuid: string;
  meetingNumericId: string;
  leaderInfo: { leaderId: number; userName: string; email: string };
  userId: number;
  meetingDuration: number;
  maxParticipantCount: number;
  totalParticipantMinutes: number;
  totalDialoutMinutes: number;
  totalTollFreeMinutes: number;
  callDIDMinutes: number;
  startTime: number;
  endTime: number;
  pstnonly: boolean;
  participantList: {
    userId?: number;
    minutes: number;
    joinTime: number;
    disconnectTime: number;
    isModerator: boolean;
  }[];
}
interface User {
  id: number;
  username: string;
  enterpriseJoinDate: number;
  isEnterpriseAdmin: boolean;
}

async function snapshot(sim: Simulator): Promise<string[]> {
  const token = await appToken(sim);
  const e = sim.enterpriseId;
  const paths = [
    `/v1/enterprise/${e}/users?pageSize=1000`,
    `/v1/enterprise/${e}/indigo/meetings?limit=1000&count=true`,
    `/v1/enterprise/${e}/meeting_history?pageSize=1000`,
    `/v2/enterprise/${e}/indigo/analytics/users/usage?filter=${filterParam([
      { type: 'date', comparison: 'gt', value: new Date(T0 - 5 * DAY).toISOString(), field: 'start_time' },
      { type: 'date', comparison: 'lt', value: new Date(T0).toISOString(), field: 'end_time' },
    ])}`,
  ];
  return Promise.all(paths.map(async (p) => (await get(sim, p, token)).text()));
}

async function everything(sim: Simulator) {
  const token = await appToken(sim);
  const e = sim.enterpriseId;
  const users = await walkPages(
    async (page) =>
      (
        await getJson<{ user: User[] }>(
          sim,
          `/v1/enterprise/${e}/users?pageSize=1000&pageNumber=${page}`,
          token,
        )
      ).user,
    1000,
  );
  const cc = await walkPages(
    async (page) =>
      (
        await getJson<{ meetings: Indigo[] }>(
          sim,
          `/v1/enterprise/${e}/indigo/meetings?limit=1000&offset=${page - 1}`,
          token,
        )
      ).meetings,
    1000,
  );
  const history = await walkPages(
    (page) =>
      getJson<History[]>(sim, `/v1/enterprise/${e}/meeting_history?pageSize=1000&pageNumber=${page}`, token),
    1000,
  );
  return { token, users, cc, history };
}

describe('determinism', () => {
  it('the same seed and options always yield the same data and tokens', async () => {
    const a = await snapshot(makeSim({ seed: 5 }).sim);
    const b = await snapshot(makeSim({ seed: 5 }).sim);
    expect(a).toEqual(b);
    const c = await snapshot(makeSim({ seed: 6 }).sim);
    expect(c).not.toEqual(a);
  });

  it('meeting identity does not depend on when the simulator started (same anchor)', async () => {
    const early = makeSim({ seed: 9, anchor: T0 }, testClock(T0)).sim;
    const later = makeSim({ seed: 9, anchor: T0 }, testClock(T0 + 6 * 3600_000)).sim;
    const a = (await everything(early)).cc;
    const b = (await everything(later)).cc;
    expect(b.length).toBeGreaterThan(a.length);
    expect(b.slice(0, a.length)).toEqual(a);
  });
});

describe('a realistic, self-consistent enterprise', () => {
  it('Command Center and meeting history describe the same meetings, hosts and minutes', async () => {
    const { sim } = makeSim({ seed: 3, users: 120, days: 7 });
    const { cc, history, users } = await everything(sim);
    expect(history).toHaveLength(cc.length);
    const byUsername = new Map(users.map((u) => [u.username, u]));
    cc.forEach((m, i) => {
      const h = history[i];
      if (!h) throw new Error('missing history');
      expect(h.startTime).toBe(m.startTime);
      expect(h.endTime).toBe(m.endTime);
      expect(h.meetingNumericId).toBe(m.meetingId);
      expect(h.leaderInfo.userName).toBe(m.userName);
      expect(h.leaderInfo.email).toBe(m.email);
      expect(h.userId).toBe(h.leaderInfo.leaderId);
      const host = byUsername.get(m.userName);
      if (host) expect(host.id).toBe(h.userId);
      // Minutes add up.
      expect(h.meetingDuration * 60_000).toBe(h.endTime - h.startTime);
      expect(h.participantList).toHaveLength(m.endpointsCount);
      expect(h.participantList.reduce((s, p) => s + p.minutes, 0)).toBe(h.totalParticipantMinutes);
      expect(m.totalCallSeconds).toBe(h.totalParticipantMinutes * 60);
      expect(h.maxParticipantCount).toBe(m.concurrentEndpoints);
      expect(h.callDIDMinutes + h.totalTollFreeMinutes + h.totalDialoutMinutes).toBeLessThanOrEqual(
        h.totalParticipantMinutes,
      );
      for (const p of h.participantList) {
        expect(p.disconnectTime - p.joinTime).toBe(p.minutes * 60_000);
        expect(p.joinTime).toBeGreaterThanOrEqual(h.startTime);
        expect(p.disconnectTime).toBeLessThanOrEqual(h.endTime);
      }
      expect(h.participantList.filter((p) => p.isModerator)).toHaveLength(1);
    });
  });

  it('has realistic distributions: admins, features, PSTN, large and personal meetings, idle users', async () => {
    const { sim } = makeSim({ seed: 11, users: 400, days: 30 });
    const { cc, history, users, token } = await everything(sim);
    const share = (n: number) => n / cc.length;
    expect(cc.length).toBeGreaterThan(1000);
    expect(users.filter((u) => u.isEnterpriseAdmin).length).toBeGreaterThanOrEqual(2);
    expect(share(cc.filter((m) => m.personal).length)).toBeGreaterThan(0.25);
    expect(share(cc.filter((m) => m.personal).length)).toBeLessThan(0.55);
    expect(share(cc.filter((m) => m.meetingRecording).length)).toBeGreaterThan(0.03);
    expect(share(cc.filter((m) => m.meetingRecording).length)).toBeLessThan(0.25);
    expect(share(cc.filter((m) => m.contentShare).length)).toBeGreaterThan(0.25);
    expect(cc.some((m) => m.videoShare)).toBe(true);
    expect(cc.filter((m) => m.largeMeeting).every((m) => m.endpointsCount > 100)).toBe(true);
    expect(cc.some((m) => m.largeMeeting)).toBe(true);
    expect(history.some((h) => h.callDIDMinutes + h.totalTollFreeMinutes + h.totalDialoutMinutes > 0)).toBe(
      true,
    );
    const durations = history.map((h) => h.meetingDuration).sort((a, b) => a - b);
    const median = durations[Math.floor(durations.length / 2)] ?? 0;
    expect(median).toBeGreaterThan(10);
    expect(median).toBeLessThan(60);

    const big = makeSim({ seed: 11, users: 400, days: 120 }).sim;
    const bigToken = await appToken(big);
    const large = await getJson<{ count: number }>(
      big,
      `/v1/enterprise/${big.enterpriseId}/indigo/meetings?limit=1&count=true&filter=${filterParam([{ type: 'date', value: new Date(T0 - 120 * DAY).toISOString(), field: 'startTime', comparison: 'gt' }])}`,
      bigToken,
    );
    expect(large.count).toBeGreaterThan(20_000);

    // Weekdays are busier than weekends.
    const perDay = new Map<number, number>();
    for (const m of cc)
      perDay.set(Math.floor(m.startTime / DAY), (perDay.get(Math.floor(m.startTime / DAY)) ?? 0) + 1);
    const weekend = [...perDay]
      .filter(([d]) => [0, 6].includes(new Date(d * DAY).getUTCDay()))
      .map(([, n]) => n);
    const weekday = [...perDay]
      .filter(([d]) => ![0, 6].includes(new Date(d * DAY).getUTCDay()))
      .map(([, n]) => n);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(weekday)).toBeGreaterThan(2 * mean(weekend));

    // Some users never meet, and they stay absent from every meeting and from top users.
    const participants = new Set(
      history.flatMap((h) => h.participantList.map((p) => p.userId)).filter((id) => id !== undefined),
    );
    const idle = users.filter((u) => !participants.has(u.id));
    expect(idle.length).toBeGreaterThan(users.length * 0.08);
    const top = await getJson<{
      usage: { userId: number; participantMinutes: number; lastMeetingTime: number }[];
    }>(
      sim,
      `/v2/enterprise/${sim.enterpriseId}/indigo/analytics/users/usage?filter=${filterParam([
        { type: 'date', comparison: 'gt', value: new Date(T0 - 40 * DAY).toISOString(), field: 'start_time' },
        { type: 'date', comparison: 'lt', value: new Date(T0).toISOString(), field: 'end_time' },
      ])}`,
      token,
    );
    expect(new Set(top.usage.map((u) => u.userId))).toEqual(participants);
    // Top users' minutes are the history's participant minutes per user.
    const minutes = new Map<number, number>();
    for (const h of history)
      for (const p of h.participantList)
        if (p.userId !== undefined) minutes.set(p.userId, (minutes.get(p.userId) ?? 0) + p.minutes);
    for (const row of top.usage) expect(row.participantMinutes).toBe(minutes.get(row.userId));
    const sorted = top.usage.map((u) => u.participantMinutes);
    expect(sorted).toEqual([...sorted].sort((a, b) => b - a));

    // Nobody takes part before joining the enterprise.
    const joined = new Map(users.map((u) => [u.id, u.enterpriseJoinDate]));
    for (const h of history)
      for (const p of h.participantList)
        if (p.userId !== undefined && joined.has(p.userId))
          expect(p.joinTime).toBeGreaterThanOrEqual(joined.get(p.userId) ?? 0);
  }, 60_000);

  it('daily usage and active users agree with the listings', async () => {
    const { sim } = makeSim({ seed: 4, users: 100, days: 6 });
    const { history, token } = await everything(sim);
    const from = Date.UTC(2026, 0, 10);
    const to = Date.UTC(2026, 0, 13) - 1;
    const window = [
      { type: 'date', comparison: 'eq', value: new Date(from).toISOString(), field: 'lowts' },
      { type: 'date', comparison: 'eq', value: new Date(to).toISOString(), field: 'hights' },
    ];
    const usage = await getJson<{
      usage: { Date: number; numMeetings: number; numEndpoints: number; endpointMinutes: number }[];
    }>(
      sim,
      `/v2/enterprise/${sim.enterpriseId}/indigo/analytics/meetings/usage?clientTZ=UTC&filter=${filterParam([{ type: 'string', comparison: 'eq', value: 'DAY', field: 'groupInterval' }, ...window])}`,
      token,
    );
    const active = await getJson<{ active: { active_users: number; the_date: string }[] }>(
      sim,
      `/v2/enterprise/${sim.enterpriseId}/indigo/analytics/users/active?clientTZ=UTC&filter=${filterParam(window)}`,
      token,
    );
    expect(usage.usage.map((u) => u.Date)).toEqual([from, from + DAY, from + 2 * DAY]);
    expect(active.active.map((a) => a.the_date)).toEqual(['2026-01-10', '2026-01-11', '2026-01-12']);
    usage.usage.forEach((u, k) => {
      const day = history.filter((h) => h.startTime >= u.Date && h.startTime < u.Date + DAY);
      expect(u.numMeetings).toBe(day.length);
      expect(u.numEndpoints).toBe(day.reduce((s, h) => s + h.participantList.length, 0));
      expect(u.endpointMinutes).toBe(day.reduce((s, h) => s + h.totalParticipantMinutes, 0));
      const people = new Set(
        day.flatMap((h) => h.participantList.map((p) => p.userId)).filter((id) => id !== undefined),
      );
      expect(active.active[k]?.active_users).toBe(people.size);
    });
  });

  it('users removed on a schedule are listed before their removal and gone after it', async () => {
    const clock = testClock(T0);
    const { sim } = makeSim({ seed: 2, users: 300, days: 20 }, clock);
    const token = await appToken(sim);
    const before = (
      await getJson<{ count: number; user: User[] }>(
        sim,
        `/v1/enterprise/${sim.enterpriseId}/users?pageSize=1000`,
        token,
      )
    ).user;
    clock.advance(8 * DAY);
    const fresh = await appToken(sim);
    const after = (
      await getJson<{ count: number; user: User[] }>(
        sim,
        `/v1/enterprise/${sim.enterpriseId}/users?pageSize=1000`,
        fresh,
      )
    ).user;
    expect(after.length).toBeLessThan(before.length);
    const afterIds = new Set(after.map((u) => u.id));
    for (const u of after) expect(before.some((b) => b.id === u.id)).toBe(true);
    const gone = before.filter((u) => !afterIds.has(u.id));
    // Their history stays: removed users keep hosting the meetings they hosted.
    const history = (await everything(sim)).history;
    const hosts = new Set(history.map((h) => h.userId));
    expect(gone.some((u) => hosts.has(u.id))).toBe(true);
    // And they cannot be looked up any more.
    const res = await get(sim, `/v1/user/${gone[0]?.id}/enterprise_profile`, fresh);
    expect(res.status).toBe(404);
  });
});
