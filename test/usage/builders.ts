/**
 * Builders for usage tests: insert BlueJeans rows directly (the sync engine is not
 * needed to test what the usage pages make of them; the rollup follows through the raw
 * tables' triggers), then move the data version as the sync's batch does.
 * Every builder has defaults, so a test names only what it cares about.
 */
import type { Db } from '../../db/client';
import { bumpVersionStatements } from '../../db/queries/rollups';
import { bjDailyUsage, bjMeetings, bjParticipants, bjUsers, syncRuns } from '../../db/schema';
import { ensureOrganization, getOrCreateConnection } from '../../src/connections/store';
import { DAY_MS } from '../../src/usage/activity';

export interface Seed {
  db: Db;
  connectionId: string;
  now: number;
  /** A moment `n` days (fractional allowed) before now. */
  ago(days: number): number;
  user(u: Partial<typeof bjUsers.$inferInsert> & { userId: string }): Promise<void>;
  meeting(
    m: Partial<typeof bjMeetings.$inferInsert> & { hostEmail: string; startTime: number },
  ): Promise<string>;
  participant(p: Partial<typeof bjParticipants.$inferInsert> & { meetingGuid?: string }): Promise<void>;
  daily(day: string, activeUsers: number | null, meetings: number | null): Promise<void>;
  /** A finished sync run started at `startedAt` (the synced history reaches 90 days before the first). */
  syncRun(startedAt: number): Promise<void>;
}

let counter = 0;

export async function seed(db: Db, now: number, orgId = 'local'): Promise<Seed> {
  await ensureOrganization(db, orgId);
  const { id: connectionId } = await getOrCreateConnection(db, orgId, 'bluejeans');
  const ago = (days: number) => now - Math.round(days * DAY_MS);
  const upkeep = async () => {
    const [first, ...rest] = bumpVersionStatements(db, connectionId);
    await db.batch([first as ReturnType<Db['run']>, ...rest]);
  };
  return {
    db,
    connectionId,
    now,
    ago,
    async user(u) {
      await db.insert(bjUsers).values({
        connectionId,
        username: u.userId,
        email: `${u.userId}@example.com`,
        firstSeenAt: ago(365),
        lastListedAt: now,
        ...u,
      });
      await upkeep();
    },
    async meeting(m) {
      const meetingUuid = m.meetingUuid ?? `m-${++counter}`;
      await db.insert(bjMeetings).values({ connectionId, syncedAt: now, ...m, meetingUuid });
      await upkeep();
      return meetingUuid;
    },
    async participant(p) {
      const meetingGuid = p.meetingGuid ?? `g-${++counter}`;
      await db.insert(bjParticipants).values({
        connectionId,
        participantKey: p.userId ?? p.email ?? `p-${++counter}`,
        ...p,
        meetingGuid,
      });
      await upkeep();
    },
    async daily(day, activeUsers, meetings) {
      await db
        .insert(bjDailyUsage)
        .values({ connectionId, day, activeUsers, numMeetings: meetings, syncedAt: now });
      await upkeep();
    },
    async syncRun(startedAt) {
      await db.insert(syncRuns).values({
        id: `run-${++counter}`,
        connectionId,
        trigger: 'first',
        status: 'succeeded',
        startedAt,
        finishedAt: startedAt + 60_000,
      });
    },
  };
}

/** Text of an HTML fragment with tags removed and whitespace collapsed, for readable assertions. */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/\s+/g, ' ')
    .trim();
}

/** User ids of the table rows, in order (rows carry `data-status`; the id is the e-mail's local part). */
export function rowEmails(html: string): string[] {
  return [...html.matchAll(/<tr data-status="[a-z]+"[^>]*>.*?<\/th>\s*<td>([^<]*)<\/td>/gs)].map(
    (m) => m[1] ?? '',
  );
}
