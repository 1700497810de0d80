/**
 * Builders for sync tests: Seatwise deps over a fresh migrated database, a BlueJeans connector with small
 * pages and windows pointed at an in-process simulator on the same manual clock, and one connected
 * BlueJeans connection with sealed demo credentials. Each call builds its own; nothing is shared.
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { connections } from '../../db/schema';
import type { SimOptions } from '../../sim';
import { createApp } from '../../src/app';
import { ensureOrganization, getOrCreateConnection } from '../../src/connections/store';
import { createBlueJeansConnector } from '../../src/connectors/bluejeans';
import type { BlueJeansConfigInput } from '../../src/connectors/bluejeans/config';
import type { FetchLike } from '../../src/connectors/types';
import type { QueueMessage, SyncQueue } from '../../src/deps';
import { manualClock } from '../../src/lib/clock';
import { runUntilSettled } from '../../src/sync/engine';
import type { SyncOptions } from '../../src/sync/options';
import type { SliceOutcome } from '../../src/sync/slice';
import { ANCHOR, clockedSimulator, DAY, ORIGIN, T0, walk, yieldingClock } from '../connector/support';
import { testDeps } from '../helpers/deps';
import { stageConnected } from '../helpers/stage-connection';

export { ANCHOR, DAY, T0 };

/** Small enough to be quick, wide enough to cover the simulated span from T0. */
export const TEST_SYNC: Partial<SyncOptions> = {
  requestBudget: 1000,
  firstLookbackMs: 20 * DAY,
  timeBudgetMs: 60 * 60_000,
};

export interface SyncEnvOptions {
  sim?: SimOptions;
  config?: BlueJeansConfigInput;
  start?: number;
  queue?: boolean;
}

export async function syncEnv(options: SyncEnvOptions = {}) {
  const clock = yieldingClock(manualClock(options.start ?? T0));
  const sim = clockedSimulator(clock, options.sim);
  let override: FetchLike | undefined;
  const fetch: FetchLike = (input, init) =>
    override ? override(input, init) : sim.fetch(new Request(input, init));
  const deps = await testDeps({
    fetch,
    clock,
    env: { BLUEJEANS_API_BASE: ORIGIN, BLUEJEANS_AUTH_BASE: ORIGIN },
  });
  // Small pages and windows make many pages (and many resume points) out of a small enterprise.
  deps.bluejeans = createBlueJeansConnector({
    fetch,
    clock,
    db: deps.db,
    sealer: deps.sealer,
    apiBase: ORIGIN,
    authBase: ORIGIN,
    requestsPerSecond: 1000,
    random: () => 0.5,
    config: {
      pageSize: { users: 7, meetings: 10, history: 10 },
      windowDays: { meetings: 2, history: 2, analytics: 2 },
      ...options.config,
    },
  });
  const sent: QueueMessage[] = [];
  if (options.queue) {
    const queue: SyncQueue = {
      send: async (m) => {
        sent.push(m);
      },
    };
    deps.queue = queue;
  }
  await ensureOrganization(deps.db, 'local');
  const base = await getOrCreateConnection(deps.db, 'local', 'bluejeans');
  const credentials = await stageConnected(
    deps.db,
    deps.sealer,
    { orgId: 'local', connectionId: base.id },
    sim,
    clock.now(),
  );
  const connectionId = base.id;
  const app = createApp(deps);
  return {
    deps,
    clock,
    sim,
    connectionId,
    credentials,
    sent,
    app,
    breakNetwork(f: FetchLike | undefined) {
      override = f;
    },
    row: async () => {
      const r = await deps.db.select().from(connections).where(eq(connections.id, connectionId)).get();
      if (!r) throw new Error('connection vanished');
      return r;
    },
    /** Runs slices (retrying failed ones after their backoff) until the run is done. */
    async syncToEnd(over: Partial<SyncOptions> = {}, maxAttempts = 200): Promise<SliceOutcome[]> {
      const outcomes: SliceOutcome[] = [];
      for (let i = 0; i < maxAttempts; i++) {
        const r = await runUntilSettled(deps, {
          connectionId,
          trigger: 'cli',
          force: true,
          options: { ...TEST_SYNC, ...over },
        });
        outcomes.push(r.outcome);
        if (r.outcome.status === 'done') return outcomes;
        if (r.outcome.status === 'failed' && r.outcome.kind === 'auth') return outcomes;
        const row = await deps.db.select().from(connections).where(eq(connections.id, connectionId)).get();
        if (row?.nextSyncAt && row.nextSyncAt > clock.now()) clock.advance(row.nextSyncAt - clock.now());
      }
      throw new Error(`no finished run after ${maxAttempts} attempts: ${JSON.stringify(outcomes.slice(-3))}`);
    },
    /** What the simulator holds, read through the connector's streams (independent of the engine). */
    async truth(range: { from: number; to: number }) {
      const s = deps.bluejeans.session({ id: connectionId, orgId: 'local', credentials });
      const users = await walk(s.users().start());
      const meetings = await walk(s.meetings(range).start());
      const history = await walk(s.meetingHistory(range).start());
      const active = await walk(s.activeUsers(range).start());
      const usage = await walk(s.meetingUsage(range).start());
      return {
        users: new Set(users.records.map((u) => u.userId)).size,
        meetings: new Set(meetings.records.map((m) => m.meetingUuid)).size,
        history: new Set(history.records.map((h) => h.history.meetingGuid)).size,
        participants: history.records.reduce((n, h) => n + h.participants.length, 0),
        days: new Set([...active.records.map((d) => d.day), ...usage.records.map((d) => d.day)]).size,
      };
    },
  };
}

export type SyncEnv = Awaited<ReturnType<typeof syncEnv>>;

const TABLES = [
  'bj_users',
  'bj_meetings',
  'bj_meeting_history',
  'bj_participants',
  'bj_daily_usage',
] as const;
/** Bookkeeping times that legitimately differ between two runs of the same data. */
const VOLATILE = new Set(['connection_id', 'synced_at', 'first_seen_at', 'last_listed_at']);

export async function counts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) {
    const r = await db.all<{ n: number }>(sql.raw(`select count(*) as n from ${t}`));
    out[t] = r[0]?.n ?? 0;
  }
  return out;
}

/** Every synced row, volatile columns dropped, in primary-key order: two equal snapshots = same data. */
export async function snapshot(db: Db): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  // The rollup too: an interrupted run must leave the rollup an uninterrupted one leaves.
  for (const t of [...TABLES, 'usage_daily']) {
    const order = t === 'usage_daily' ? '1, 2, 3, 4' : '1, 2, 3';
    const rows = await db.all<Record<string, unknown>>(sql.raw(`select * from ${t} order by ${order}`));
    out[t] = rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => !VOLATILE.has(k))));
  }
  return out;
}

/**
 * The settled past only: the simulated enterprise keeps meeting while a test's clock moves (retries,
 * backoff), so meetings of the last day, today's analytics and the activity they feed may legitimately
 * differ between two runs made at different moments. Everything older must be identical.
 */
export async function settledSnapshot(db: Db, before = T0 - DAY): Promise<Record<string, unknown[]>> {
  const day = new Date(before).toISOString().slice(0, 10);
  const queries: Record<string, string> = {
    bj_users: 'select * from bj_users order by 1, 2',
    bj_meetings: `select * from bj_meetings where start_time < ${before} order by 1, 2`,
    bj_meeting_history: `select * from bj_meeting_history where start_time < ${before} order by 1, 2`,
    bj_participants: `select p.* from bj_participants p join bj_meeting_history h
      on h.connection_id = p.connection_id and h.meeting_guid = p.meeting_guid
      where h.start_time < ${before} order by 1, 2, 3`,
    bj_daily_usage: `select * from bj_daily_usage where day < '${day}' order by 1, 2`,
    usage_daily: `select * from usage_daily where day < ${Math.floor(before / DAY)} order by 1, 2, 3, 4`,
  };
  const out: Record<string, unknown[]> = {};
  for (const [t, q] of Object.entries(queries)) {
    const rows = await db.all<Record<string, unknown>>(sql.raw(q));
    out[t] = rows.map((r) =>
      Object.fromEntries(Object.entries(r).filter(([k]) => !VOLATILE.has(k) && k !== 'last_active_at')),
    );
  }
  return out;
}
