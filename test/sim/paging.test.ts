import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Simulator } from '../../sim/index';
import { appToken, filterParam, getJson, makeSim, T0, walkPages } from './helpers';

const DAY = 86_400_000;

interface UserPage {
  count: number;
  user: { id: number; username: string; lastName: string; enterpriseJoinDate: number }[];
}
interface MeetingPage {
  count?: number;
  meetings: { meetingUUID: string; startTime: number; endTime: number }[];
}

async function allUsers(sim: Simulator, token: string, pageSize: number, extra = '') {
  let count = -1;
  const users = await walkPages(async (page) => {
    const body = await getJson<UserPage>(
      sim,
      `/v1/enterprise/${sim.enterpriseId}/users?pageSize=${pageSize}&pageNumber=${page}${extra}`,
      token,
    );
    if (count === -1) count = body.count;
    expect(body.count).toBe(count);
    return body.user;
  }, pageSize);
  return { users, count };
}

async function allMeetings(sim: Simulator, token: string, limit: number, filter = '') {
  const meetings: MeetingPage['meetings'] = [];
  for (let offset = 0; ; offset++) {
    const body = await getJson<MeetingPage>(
      sim,
      `/v1/enterprise/${sim.enterpriseId}/indigo/meetings?limit=${limit}&offset=${offset}${filter}`,
      token,
    );
    meetings.push(...body.meetings);
    if (body.meetings.length < limit) break;
  }
  return meetings;
}

describe('user listing paging', () => {
  it('walks every present user exactly once, count matches, pages past the end are empty', async () => {
    const { sim } = makeSim({ users: 137 });
    const token = await appToken(sim);
    const reference = await allUsers(sim, token, 1000);
    expect(reference.users).toHaveLength(reference.count);
    expect(reference.count).toBeLessThanOrEqual(137);
    const ids = reference.users.map((u) => u.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));

    for (const pageSize of [1, 7, 20, 50, reference.count, reference.count + 1]) {
      const walked = await allUsers(sim, token, pageSize);
      expect(walked.users.map((u) => u.id)).toEqual(ids);
      expect(walked.count).toBe(reference.count);
      const past = await getJson<UserPage>(
        sim,
        `/v1/enterprise/${sim.enterpriseId}/users?pageSize=${pageSize}&pageNumber=${Math.ceil(reference.count / pageSize) + 1}`,
        token,
      );
      expect(past.user).toEqual([]);
      expect(past.count).toBe(reference.count);
    }
  });

  it('sorted listings hold the same users in the requested order', async () => {
    const { sim } = makeSim({ users: 90 });
    const token = await appToken(sim);
    const ids = (await allUsers(sim, token, 1000)).users.map((u) => u.id).sort();
    const sorts: [string, (u: UserPage['user'][number]) => string | number][] = [
      ['lastName', (u) => u.lastName.toLowerCase()],
      ['username', (u) => u.username],
      ['enterpriseJoinDate', (u) => u.enterpriseJoinDate],
    ];
    for (const [sortBy, key] of sorts) {
      for (const order of ['asc', 'desc']) {
        const { users } = await allUsers(sim, token, 13, `&sortBy=${sortBy}&order=${order}`);
        expect(users.map((u) => u.id).sort()).toEqual(ids);
        const keys = users.map(key);
        const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        expect(keys).toEqual(order === 'asc' ? sorted : sorted.reverse());
      }
    }
  });

  it('stays exact while users are removed (paging skips removed positions arithmetically)', async () => {
    const { sim } = makeSim({ users: 120 });
    const token = await appToken(sim);
    const before = await allUsers(sim, token, 1000);
    const victims = before.users.filter((_, i) => i % 7 === 3).map((u) => u.id);
    expect(sim.control.removeUsers(victims)).toEqual(victims);
    const after = await allUsers(sim, token, 9);
    expect(after.count).toBe(before.count - victims.length);
    expect(after.users.map((u) => u.id)).toEqual(
      before.users.map((u) => u.id).filter((id) => !victims.includes(id)),
    );
  });

  it('a text search pages over its matches', async () => {
    const { sim } = makeSim({ users: 150 });
    const token = await appToken(sim);
    const all = (await allUsers(sim, token, 1000)).users;
    const expected = all.filter((u) => u.username.includes('an'));
    const found = await allUsers(sim, token, 4, '&textSearch=AN');
    expect(found.count).toBe(expected.length);
    expect(found.users.map((u) => u.id)).toEqual(expected.map((u) => u.id));
  });
});

describe('Command Center paging', () => {
  it('walks every meeting once in start order; count matches; past-the-end pages are empty', async () => {
    const { sim } = makeSim({ users: 80, days: 6, lateArrivalMinutes: 45 });
    const token = await appToken(sim);
    const head = await getJson<MeetingPage>(
      sim,
      `/v1/enterprise/${sim.enterpriseId}/indigo/meetings?limit=1&count=true`,
      token,
    );
    const count = head.count ?? -1;
    expect(count).toBeGreaterThan(100);
    const reference = await allMeetings(sim, token, 1000);
    expect(reference).toHaveLength(count);
    const uuids = reference.map((m) => m.meetingUUID);
    expect(new Set(uuids).size).toBe(count);
    const starts = reference.map((m) => m.startTime);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    for (const m of reference) expect(m.endTime).toBeLessThanOrEqual(T0);

    for (const limit of [1, 17, 100]) {
      const walked = await allMeetings(sim, token, limit);
      expect(walked.map((m) => m.meetingUUID)).toEqual(uuids);
      const past = await getJson<MeetingPage>(
        sim,
        `/v1/enterprise/${sim.enterpriseId}/indigo/meetings?limit=${limit}&offset=${Math.ceil(count / limit)}&count=true`,
        token,
      );
      expect(past.meetings).toEqual([]);
      expect(past.count).toBe(count);
    }
  }, 60_000);

  it('a time-window filter yields exactly the matching meetings of the full listing (property)', async () => {
    const { sim } = makeSim({ users: 50, days: 4, lateArrivalMinutes: 20 });
    const token = await appToken(sim);
    const all = await allMeetings(sim, token, 1000);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -5 * 24 * 60, max: 60 }),
        fc.integer({ min: 1, max: 3 * 24 * 60 }),
        fc.constantFrom('gt', 'ge'),
        fc.constantFrom('lt', 'le'),
        fc.boolean(),
        fc.integer({ min: 1, max: 40 }),
        async (fromMin, spanMin, lower, upper, byEnd, limit) => {
          const from = T0 + fromMin * 60_000;
          const to = from + spanMin * 60_000;
          const items = [
            { type: 'date', value: new Date(from).toISOString(), field: 'startTime', comparison: lower },
            {
              type: 'date',
              value: new Date(to).toISOString(),
              field: byEnd ? 'endTime' : 'startTime',
              comparison: upper,
            },
          ];
          const walked = await allMeetings(sim, token, limit, `&filter=${filterParam(items)}`);
          const lowOk = (t: number) => (lower === 'gt' ? t > from : t >= from);
          const highOk = (t: number) => (upper === 'lt' ? t < to : t <= to);
          const expected = all.filter((m) => lowOk(m.startTime) && highOk(byEnd ? m.endTime : m.startTime));
          expect(walked.map((m) => m.meetingUUID)).toEqual(expected.map((m) => m.meetingUUID));
          const counted = await getJson<MeetingPage>(
            sim,
            `/v1/enterprise/${sim.enterpriseId}/indigo/meetings?limit=1&count=true&filter=${filterParam(items)}`,
            token,
          );
          expect(counted.count).toBe(expected.length);
        },
      ),
      { numRuns: 30, seed: 7 },
    );
  }, 60_000);

  it('endTime gt bounds and the meetingUUID filter select exactly', async () => {
    const { sim } = makeSim({ users: 50, days: 3 });
    const token = await appToken(sim);
    const all = await allMeetings(sim, token, 1000);
    const cut = T0 - DAY;
    const after = await allMeetings(
      sim,
      token,
      25,
      `&filter=${filterParam([{ type: 'date', value: new Date(cut).toISOString(), field: 'endTime', comparison: 'gt' }])}`,
    );
    expect(after.map((m) => m.meetingUUID)).toEqual(
      all.filter((m) => m.endTime > cut).map((m) => m.meetingUUID),
    );
    const target = all[Math.floor(all.length / 2)];
    expect(target).toBeDefined();
    if (!target) return;
    const one = await allMeetings(
      sim,
      token,
      10,
      `&filter=${filterParam([{ type: 'string', value: target.meetingUUID, field: 'meetingUUID', comparison: 'eq' }])}`,
    );
    expect(one.map((m) => m.meetingUUID)).toEqual([target.meetingUUID]);
  });
});

describe('meeting history paging', () => {
  it('walks the same meetings as Command Center, once each, and past-the-end pages are empty', async () => {
    const { sim } = makeSim({ users: 70, days: 5, lateArrivalMinutes: 30 });
    const token = await appToken(sim);
    const cc = await allMeetings(sim, token, 1000);
    for (const pageSize of [1, 13, 200]) {
      const history = await walkPages(
        (page) =>
          getJson<{ meetingGuid: string; startTime: number }[]>(
            sim,
            `/v1/enterprise/${sim.enterpriseId}/meeting_history?pageSize=${pageSize}&pageNumber=${page}`,
            token,
          ),
        pageSize,
      );
      expect(history).toHaveLength(cc.length);
      expect(new Set(history.map((h) => h.meetingGuid)).size).toBe(cc.length);
      expect(history.map((h) => h.startTime)).toEqual(cc.map((m) => m.startTime));
      // A GUID embeds the first five segments of the matching Command Center UUID.
      history.forEach((h, i) => {
        expect(cc[i]?.meetingUUID.startsWith(h.meetingGuid.split(':')[1] ?? '-')).toBe(true);
      });
      const past = await getJson<unknown[]>(
        sim,
        `/v1/enterprise/${sim.enterpriseId}/meeting_history?pageSize=${pageSize}&pageNumber=${Math.ceil(cc.length / pageSize) + 1}`,
        token,
      );
      expect(past).toEqual([]);
    }
  }, 60_000);

  it('startDate/endDate select whole local days in the given timezone', async () => {
    const { sim } = makeSim({ users: 60, days: 5 });
    const token = await appToken(sim);
    const cc = await allMeetings(sim, token, 1000);
    // 01/12/2026 to 01/13/2026 in New York (UTC-5): [2026-01-12T05:00Z, 2026-01-14T05:00Z).
    const from = Date.UTC(2026, 0, 12, 5);
    const to = Date.UTC(2026, 0, 14, 5);
    const history = await walkPages(
      (page) =>
        getJson<{ startTime: number }[]>(
          sim,
          `/v1/enterprise/${sim.enterpriseId}/meeting_history?startDate=01/12/2026&endDate=01/13/2026&timezone=America/New_York&pageSize=50&pageNumber=${page}`,
          token,
        ),
      50,
    );
    expect(history.map((h) => h.startTime)).toEqual(
      cc.filter((m) => m.startTime >= from && m.startTime < to).map((m) => m.startTime),
    );
    expect(history.length).toBeGreaterThan(0);
  });
});
