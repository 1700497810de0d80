import { describe, expect, it } from 'vitest';
import {
  mapActiveDay,
  mapHistory,
  mapMeeting,
  mapParticipants,
  mapUser,
  normalizeDay,
} from '../../src/connectors/bluejeans/map';
import {
  EnterpriseUserInfo,
  HistoryParticipant,
  MeetingHistory,
  MeetingIndigo,
  parseEach,
} from '../../src/connectors/bluejeans/schemas';
import type { FetchLike } from '../../src/connectors/types';
import { bjEnv, walk } from './support';

/** Rewrites JSON bodies of responses whose path matches, the way a quirky server would. */
function mutate(match: RegExp, edit: (body: unknown) => unknown) {
  return (f: FetchLike): FetchLike =>
    async (input, init) => {
      const res = await f(input, init);
      if (!match.test(new Request(input, init).url) || res.status !== 200) return res;
      return new Response(JSON.stringify(edit(await res.json())), { status: 200 });
    };
}

describe('schemas: bad records are skipped and counted, never fatal', () => {
  it('users missing an id or username are skipped; unknown fields and bad optional fields are ignored', async () => {
    const env = await bjEnv({
      wrapFetch: mutate(/\/users\?/, (body) => {
        const b = body as { user: Record<string, unknown>[] };
        if (b.user[0]) delete b.user[0].username;
        if (b.user[1]) b.user[1].id = null;
        if (b.user[2]) b.user[2].email = 42;
        if (b.user[3]) b.user[3].brandNewField = { nested: true };
        b.user.push('not a user' as never);
        return b;
      }),
    });
    const w = await walk(env.connector.session(env.stored()).users().start());
    const pages = w.pages.length;
    // Per page: two bad users and one junk entry are skipped (the last page may be shorter).
    expect(w.skipped).toBeGreaterThanOrEqual(3 * (pages - 1));
    expect(w.records.length + w.skipped).toBe(40 + pages);
    expect(w.records.some((u) => u.email === null)).toBe(true);
  });

  it('a page whose envelope is not the spec shape is a transient error, not a crash', async () => {
    const env = await bjEnv({
      config: { maxRetries: 1 },
      wrapFetch: mutate(/indigo\/meetings/, () => ({ meetings: 'nope' })),
    });
    const e = await walk(env.connector.session(env.stored()).meetings(env.range).start()).catch(
      (x: unknown) => x,
    );
    expect(e).toMatchObject({ kind: 'transient', code: 'bad_response' });
  });

  it('meetings without a start time or UUID, history without a GUID, participants that are not objects', async () => {
    const env = await bjEnv({
      wrapFetch: (f) =>
        mutate(/indigo\/meetings/, (body) => {
          const b = body as { meetings: Record<string, unknown>[] };
          if (b.meetings[0]) b.meetings[0].startTime = 'yesterday';
          if (b.meetings[1]) {
            delete b.meetings[1].meetingUUID;
            delete b.meetings[1].id;
          }
          return b;
        })(
          mutate(/meeting_history/, (body) => {
            const b = body as Record<string, unknown>[];
            if (b[0]) delete b[0].meetingGuid;
            if (b[1]) (b[1].participantList as unknown[]).push(7);
            return b;
          })(f),
        ),
    });
    const s = env.connector.session(env.stored());
    const meetings = await walk(s.meetings(env.range).start());
    expect(meetings.skipped).toBeGreaterThan(0);
    const history = await walk(s.meetingHistory(env.range).start());
    expect(history.skipped).toBeGreaterThan(0);
    expect(history.records.length).toBeGreaterThan(0);
  });
});

describe('map', () => {
  it('maps a Command Center meeting to bj_meetings columns (no connectionId/syncedAt, no pstn guess)', () => {
    const m = MeetingIndigo.parse({
      meetingUUID: 'abc-1',
      meetingId: '123',
      userName: 'ann',
      email: 'Ann@Example.COM',
      title: 'Standup',
      startTime: 1000,
      endTime: 61_000,
      totalCallSeconds: 120.4,
      endpointsCount: 2,
      concurrentEndpoints: 2,
      inviteeCount: 3,
      meetingRecording: true,
      contentShare: true,
      videoShare: false,
      liveRecording: false,
      largeMeeting: false,
      personal: false,
      moderatorLess: true,
      scheduledFrom: 'WEB_APP',
      phoneNumber: '+1 555',
      unknown: 1,
    });
    expect(mapMeeting(m)).toEqual({
      meetingUuid: 'abc-1',
      meetingId: '123',
      hostUserName: 'ann',
      hostEmail: 'ann@example.com',
      title: 'Standup',
      startTime: 1000,
      endTime: 61_000,
      totalCallSeconds: 120,
      endpointsCount: 2,
      concurrentEndpoints: 2,
      inviteeCount: 3,
      recording: true,
      liveRecording: false,
      contentShare: true,
      videoShare: false,
      largeMeeting: false,
      personal: false,
      moderatorLess: true,
      scheduledFrom: 'WEB_APP',
    });
    // The spec says `id` equals meetingUUID: it stands in when meetingUUID is missing.
    expect(mapMeeting(MeetingIndigo.parse({ id: 'abc-2', startTime: 5 })).meetingUuid).toBe('abc-2');
  });

  it('maps users with defaults for what BlueJeans left out', () => {
    expect(mapUser(EnterpriseUserInfo.parse({ id: 7, username: 'bo' }))).toEqual({
      userId: '7',
      username: 'bo',
      firstName: null,
      lastName: null,
      email: null,
      isEnterpriseAdmin: false,
      enterpriseJoinDate: null,
    });
  });

  it('maps history and merges a participant who rejoined', () => {
    const h = MeetingHistory.parse({
      meetingGuid: 'g1',
      startTime: 10,
      leaderInfo: { leaderId: 5, email: 'Lead@X.io' },
      meetingDuration: 30,
      totalDialoutMinutes: 4,
      pstnonly: false,
      participantList: [],
    });
    expect(mapHistory(h)).toMatchObject({
      meetingGuid: 'g1',
      leaderUserId: '5',
      leaderEmail: 'lead@x.io',
      dialoutMinutes: 4,
    });
    const people = parseEach(HistoryParticipant, [
      { userId: 5, minutes: 10, joinTime: 100, disconnectTime: 200 },
      { userId: 5, minutes: 5, joinTime: 300, disconnectTime: 400, isModerator: true },
      { email: 'Guest@Y.io', minutes: 3 },
      { minutes: 1 },
      { minutes: 2 },
    ]).ok;
    const rows = mapParticipants('g1', people);
    expect(
      rows.map((r) => [r.participantKey, r.minutes, r.joinTime, r.disconnectTime, r.isModerator]),
    ).toEqual([
      ['5', 15, 100, 400, true],
      ['guest@y.io', 3, null, null, false],
      ['#3', 1, null, null, false],
      ['#4', 2, null, null, false],
    ]);
  });

  it('reads analytics dates in the forms BlueJeans used, and skips the unreadable', () => {
    expect(normalizeDay('2026-01-05')).toBe('2026-01-05');
    expect(normalizeDay('26-01-05')).toBe('2026-01-05');
    expect(normalizeDay('01/05/2026')).toBe('2026-01-05');
    expect(normalizeDay('2026-02-30')).toBeNull();
    expect(mapActiveDay({ the_date: 'the_date', active_users: 1 })).toBeNull();
  });
});
