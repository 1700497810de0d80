import { describe, expect, it } from 'vitest';
import type { BlueJeansSession } from '../../src/connectors/bluejeans';
import { ConnectorError, type CursorCodec, type Stream, type TimeRange } from '../../src/connectors/types';
import { createRequestBudget } from '../../src/lib/request-budget';
import { bjEnv, DAY, walk } from './support';

type Env = Awaited<ReturnType<typeof bjEnv>>;

/** A token and a GET straight at the simulator, to compute ground truth without the connector. */
async function rawGet(env: Env, path: string, query: Record<string, string | number>) {
  const tokenRes = await env.raw('https://x/oauth2/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      grant_type: 'client_credentials',
      client_id: env.sim.credentials.appKey,
      client_secret: env.sim.credentials.appSecret,
    }),
  });
  const { access_token } = (await tokenRes.json()) as { access_token: string };
  const url = new URL(`https://x${path}`);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, String(v));
  const res = await env.raw(url, { headers: { Authorization: `Bearer ${access_token}` } });
  expect(res.status).toBe(200);
  return res.json() as Promise<Record<string, unknown> & unknown[]>;
}

const iso = (ms: number) => new Date(ms).toISOString();
const mmddyyyy = (ms: number) => {
  const d = new Date(ms);
  return `${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}/${d.getUTCFullYear()}`;
};

/** Full walk, then a resumed walk from every cursor (through its text form) must complete it exactly. */
async function checkResume<T, C>(stream: () => Stream<T, C>, key: (r: T) => string) {
  const full = await walk(stream().start());
  expect(full.cursors.at(-1)).toBeNull();
  const keys = full.records.map(key);
  expect(new Set(keys).size).toBe(keys.length);
  for (let i = 0; i < full.cursors.length - 1; i++) {
    const s = stream();
    const cursor = full.cursors[i] as C;
    const codec: CursorCodec<C> = s.cursor;
    const resumed = await walk(s.start(codec.decode(codec.encode(cursor))));
    const before = full.pages.slice(0, i + 1).flat();
    expect([...before, ...resumed.records].map(key)).toEqual(keys);
  }
  return full;
}

describe('paging against the simulator', () => {
  it('users: every listed user exactly once, resumable from every page', async () => {
    const env = await bjEnv();
    const s = env.connector.session(env.stored());
    const full = await checkResume(
      () => s.users(),
      (u) => u.userId,
    );
    const truth = await rawGet(env, `/v1/enterprise/${env.sim.enterpriseId}/users`, { pageSize: 1000 });
    const truthIds = (truth.user as { id: number }[]).map((u) => String(u.id)).sort();
    expect(full.records.map((u) => u.userId).sort()).toEqual(truthIds);
    expect(full.pages.length).toBeGreaterThan(3);
    expect(full.skipped).toBe(0);
  });

  it('users: ends on a short page even when the total is a multiple of the page size', async () => {
    const env = await bjEnv({ config: { pageSize: { users: 8 } } });
    const full = await walk(env.connector.session(env.stored()).users().start());
    expect(full.records).toHaveLength(40);
    // 5 full pages of 8 and one empty page that proves the end.
    expect(full.pages.map((p) => p.length)).toEqual([8, 8, 8, 8, 8, 0]);
  });

  it('meetings: every meeting of the range exactly once across windows and pages, resumable', async () => {
    const env = await bjEnv();
    const s = env.connector.session(env.stored());
    const full = await checkResume(
      () => s.meetings(env.range),
      (m) => m.meetingUuid,
    );
    const truth = await rawGet(env, `/v1/enterprise/${env.sim.enterpriseId}/indigo/meetings`, {
      limit: 1000,
      filter: JSON.stringify([
        { type: 'date', field: 'startTime', comparison: 'ge', value: iso(env.range.from) },
        { type: 'date', field: 'startTime', comparison: 'lt', value: iso(env.range.to) },
      ]),
    });
    const truthIds = (truth.meetings as { meetingUUID: string }[]).map((m) => m.meetingUUID).sort();
    expect(truthIds.length).toBeGreaterThan(50);
    expect(full.records.map((m) => m.meetingUuid).sort()).toEqual(truthIds);
    for (const m of full.records) {
      expect(m.startTime).toBeGreaterThanOrEqual(env.range.from);
      expect(m.startTime).toBeLessThan(env.range.to);
    }
  });

  it('meetings: a range that does not start at a whole second still splits exactly', async () => {
    const env = await bjEnv();
    const s = env.connector.session(env.stored());
    const mid = env.range.from + 2 * DAY + 123_457;
    const a = await walk(s.meetings({ from: env.range.from, to: mid }).start());
    const b = await walk(s.meetings({ from: mid, to: env.range.to }).start());
    const all = await walk(s.meetings(env.range).start());
    expect([...a.records, ...b.records].map((m) => m.meetingUuid).sort()).toEqual(
      all.records.map((m) => m.meetingUuid).sort(),
    );
  });

  it('meeting history: every meeting exactly once with its participants, resumable', async () => {
    const env = await bjEnv();
    const s = env.connector.session(env.stored());
    const full = await checkResume(
      () => s.meetingHistory(env.range),
      (h) => h.history.meetingGuid,
    );
    const truth = await rawGet(env, `/v1/enterprise/${env.sim.enterpriseId}/meeting_history`, {
      pageSize: 1000,
      timezone: 'UTC',
      startDate: mmddyyyy(env.range.from),
      endDate: mmddyyyy(env.range.to - 1),
    });
    const truthGuids = (truth as unknown as { meetingGuid: string }[]).map((h) => h.meetingGuid).sort();
    expect(full.records.map((h) => h.history.meetingGuid).sort()).toEqual(truthGuids);
    const participants = full.records.flatMap((h) =>
      h.participants.map((p) => `${p.meetingGuid}/${p.participantKey}`),
    );
    expect(new Set(participants).size).toBe(participants.length);
    expect(participants.length).toBeGreaterThan(full.records.length);
  });

  it('meeting history: day windows follow the reporting timezone', async () => {
    const tz = 'America/Los_Angeles';
    const env = await bjEnv({ config: { timezone: tz } });
    const s = env.connector.session(env.stored());
    // Local days Dec 31 .. Jan 3 in Los Angeles.
    const range: TimeRange = { from: Date.UTC(2025, 11, 31, 8), to: Date.UTC(2026, 0, 4, 8) };
    const full = await walk(s.meetingHistory(range).start());
    const truth = await rawGet(env, `/v1/enterprise/${env.sim.enterpriseId}/meeting_history`, {
      pageSize: 1000,
      timezone: tz,
      startDate: '12/31/2025',
      endDate: '01/03/2026',
    });
    expect(full.records.map((h) => h.history.meetingGuid).sort()).toEqual(
      (truth as unknown as { meetingGuid: string }[]).map((h) => h.meetingGuid).sort(),
    );
  });

  it.each([
    ['activeUsers', 'users/active'],
    ['meetingUsage', 'meetings/usage'],
  ] as const)(
    'analytics %s: one row per day exactly once, equal to a single request, resumable',
    async (name, path) => {
      const env = await bjEnv();
      const s: BlueJeansSession = env.connector.session(env.stored());
      const full = await checkResume(
        () => s[name](env.range) as Stream<{ day: string }, unknown>,
        (r) => r.day,
      );
      expect(full.records.map((r) => r.day)).toEqual([
        '2025-12-31',
        '2026-01-01',
        '2026-01-02',
        '2026-01-03',
        '2026-01-04',
      ]);
      const filter = [
        {
          type: 'string',
          comparison: 'eq',
          value: name === 'activeUsers' ? '%Y-%m-%d' : 'DAY',
          field: name === 'activeUsers' ? 'dateFormat' : 'groupInterval',
        },
        { type: 'date', comparison: 'eq', value: iso(env.range.from), field: 'lowts' },
        { type: 'date', comparison: 'eq', value: iso(env.range.to - 1), field: 'hights' },
      ];
      const truth = await rawGet(env, `/v2/enterprise/${env.sim.enterpriseId}/indigo/analytics/${path}`, {
        filter: JSON.stringify(filter),
        clientTZ: 'UTC',
      });
      if (name === 'activeUsers') {
        const t = (truth.active as { the_date: string; active_users: number }[]).map((d) => ({
          day: d.the_date,
          activeUsers: d.active_users,
        }));
        expect(full.records).toEqual(t);
      } else {
        const t = (
          truth.usage as {
            Date: number;
            numMeetings: number;
            numEndpoints: number;
            endpointMinutes: number;
          }[]
        ).map((d) => ({
          day: new Date(d.Date).toISOString().slice(0, 10),
          numMeetings: d.numMeetings,
          numEndpoints: d.numEndpoints,
          endpointMinutes: d.endpointMinutes,
        }));
        expect(full.records).toEqual(t);
      }
    },
  );

  it('top users: the latest meeting per user over the walk equals one request over the range', async () => {
    const env = await bjEnv();
    const s = env.connector.session(env.stored());
    const full = await walk(s.topUsers(env.range).start());
    const latest = new Map<string, number>();
    for (const r of full.records)
      latest.set(r.userId, Math.max(latest.get(r.userId) ?? 0, r.lastActiveAt ?? 0));
    const truth = await rawGet(env, `/v2/enterprise/${env.sim.enterpriseId}/indigo/analytics/users/usage`, {
      filter: JSON.stringify([
        { type: 'date', comparison: 'ge', value: iso(env.range.from), field: 'start_time' },
        { type: 'date', comparison: 'lt', value: iso(env.range.to), field: 'end_time' },
      ]),
    });
    const want = new Map(
      (truth.usage as { userId: number; lastMeetingTime: number }[]).map((u) => [
        String(u.userId),
        u.lastMeetingTime,
      ]),
    );
    expect(latest).toEqual(want);
  });

  it('tolerates a listing without `count` and names the app on Command Center calls', async () => {
    const urls: URL[] = [];
    const env = await bjEnv({
      config: { appName: 'seatwise-ci' },
      wrapFetch: (f) => async (input, init) => {
        const req = new Request(input, init);
        urls.push(new URL(req.url));
        const res = await f(req);
        if (!req.url.includes('/users?')) return res;
        const body = (await res.json()) as Record<string, unknown>;
        delete body.count;
        return new Response(JSON.stringify(body), { status: res.status });
      },
    });
    const s = env.connector.session(env.stored());
    expect((await walk(s.users().start())).records).toHaveLength(40);
    await walk(s.meetings({ from: env.range.from, to: env.range.from + DAY }).start());
    await walk(s.activeUsers(env.range).start());
    const commandCenter = urls.filter((u) => u.pathname.includes('/indigo/'));
    expect(commandCenter.length).toBeGreaterThan(1);
    expect(commandCenter.every((u) => u.searchParams.get('app_name') === 'seatwise-ci')).toBe(true);
    expect(
      urls.filter((u) => u.pathname.endsWith('/users')).every((u) => !u.searchParams.has('app_name')),
    ).toBe(true);
  });

  it('an empty range yields one empty, final page without a request', async () => {
    const env = await bjEnv();
    const s = env.connector.session(env.stored());
    const before = env.sim.control.stats().requests;
    const w = await walk(s.meetings({ from: env.range.from, to: env.range.from }).start());
    expect(w.pages).toEqual([[]]);
    expect(w.cursors).toEqual([null]);
    expect(env.sim.control.stats().requests).toBe(before);
  });
});

describe('request budget', () => {
  it('stops at a page boundary with a resume cursor, and slices add up to the full walk', async () => {
    const env = await bjEnv();
    const full = await walk(env.connector.session(env.stored()).meetings(env.range).start());
    // Each slice is a new invocation: new session, new budget, the cursor only as checkpoint text.
    let checkpoint: string | null = null;
    const collected: string[] = [];
    let slices = 0;
    for (;;) {
      slices++;
      const budget = createRequestBudget(3);
      const stream = env.connector.session(env.stored(), { budget }).meetings(env.range);
      try {
        for await (const page of stream.start(
          checkpoint === null ? null : stream.cursor.decode(checkpoint),
        )) {
          collected.push(...page.records.map((m) => m.meetingUuid));
          checkpoint = page.next === null ? null : stream.cursor.encode(page.next);
        }
        break;
      } catch (e) {
        expect(e).toBeInstanceOf(ConnectorError);
        const err = e as ConnectorError;
        expect([err.kind, err.code]).toEqual(['budget', 'budget_exhausted']);
        expect(budget.remaining).toBe(0);
        // The error's cursor is exactly the checkpoint the last page left.
        expect(stream.cursor.encode(err.cursor as never)).toBe(
          checkpoint ?? stream.cursor.encode(err.cursor as never),
        );
        checkpoint = stream.cursor.encode(err.cursor as never);
      }
      expect(slices).toBeLessThan(50);
    }
    expect(collected).toEqual(full.records.map((m) => m.meetingUuid));
    expect(slices).toBeGreaterThan(3);
  });

  it('counts the token request in the budget', async () => {
    const env = await bjEnv();
    const budget = createRequestBudget(2);
    const stream = env.connector.session(env.stored(), { budget }).users();
    const pages: number[] = [];
    const err = await (async () => {
      try {
        for await (const p of stream.start()) pages.push(p.records.length);
      } catch (e) {
        return e as ConnectorError;
      }
    })();
    // One token request + one page, then the budget is spent before page 2.
    expect(pages).toEqual([7]);
    expect(err?.kind).toBe('budget');
    expect(err?.cursor).toEqual({ page: 2 });
    expect(env.sim.control.stats().byOperation).toEqual({ oauthToken: 1, searchUsers: 1 });
  });
});
