/**
 * Walks one stream from its checkpoint, writing every page's rows, its checkpoint and the run's counters
 * in ONE batch: after a crash the checkpoint names exactly the first page whose rows are not stored.
 */

import { and, eq, isNull, or } from 'drizzle-orm';
import { closeVersionStatement, openVersionStatement } from '../../db/queries/rollups';
import {
  type CheckpointRow,
  checkpointStatement,
  DONE,
  type RunStats,
  runStatsStatement,
} from '../../db/queries/sync';
import { connections } from '../../db/schema';
import type { BlueJeansSession } from '../connectors/bluejeans';
import { CursorError } from '../connectors/bluejeans';
import { ConnectorError, type TimeRange } from '../connectors/types';
import type { StreamSpec, WriteContext } from './streams';
import type { Statement } from './writers';

export interface WalkInput {
  spec: StreamSpec;
  session: BlueJeansSession;
  checkpoint: CheckpointRow | undefined;
  runId: string;
  runStartedAt: number;
  stats: RunStats;
  lookbackMs: number;
  firstLookbackMs: number;
  write: Omit<WriteContext, 'highWater'>;
  /** Called after each stored page; false stops the walk there (time budget spent, lease lost). */
  keepGoing(): Promise<boolean>;
}

/** `done`: the walk finished (DONE checkpoint stored); `paused`: resume from the stored checkpoint. */
export type WalkResult = 'done' | 'paused';

/** Where a walk starts: a stored cursor to resume, or a fresh range from the last high-water mark. */
function plan(input: WalkInput): { cursor: unknown; range: TimeRange; highWater: number } {
  const { spec, checkpoint: cp } = input;
  if (cp && cp.cursor !== DONE && cp.highWater != null) {
    try {
      const cursor = input.spec.open(input.session, { from: 0, to: 0 }).cursor.decode(cp.cursor);
      return {
        cursor,
        range: { from: cp.highWater - input.lookbackMs, to: cp.highWater },
        highWater: cp.highWater,
      };
    } catch (e) {
      // A checkpoint no codec accepts (old version, edited row): walk that stream again from scratch.
      if (!(e instanceof CursorError)) throw e;
    }
  }
  if (spec.mode === 'full') {
    const at = input.write.now;
    return { cursor: null, range: { from: at, to: at }, highWater: at };
  }
  const to = input.runStartedAt;
  const previous = cp?.cursor === DONE ? cp.highWater : null;
  const from = previous != null ? Math.min(previous, to) - input.lookbackMs : to - input.firstLookbackMs;
  return { cursor: null, range: { from: Math.max(0, from), to }, highWater: to };
}

/** Names the enterprise on the card ("Acme Corp" rather than "id 436570") once the data says it. */
function enterpriseNameStatement(db: WriteContext['db'], connectionId: string, name: string) {
  return db
    .update(connections)
    .set({ enterpriseName: name.slice(0, 200) })
    .where(
      and(
        eq(connections.id, connectionId),
        or(isNull(connections.enterpriseName), eq(connections.enterpriseName, '')),
      ),
    );
}

export async function walkStream(input: WalkInput): Promise<WalkResult> {
  const { spec, write, stats } = input;
  const { cursor, range, highWater } = plan(input);
  const stream = spec.open(input.session, range);
  const ctx: WriteContext = { ...write, highWater };
  const counters = stats[spec.name] ?? { fetched: 0, upserted: 0, skipped: 0 };
  stats[spec.name] = counters;
  const checkpoint = (text: string) =>
    checkpointStatement(write.db, {
      connectionId: write.connectionId,
      stream: spec.name,
      runId: input.runId,
      cursor: text,
      highWater,
      updatedAt: write.now,
    });
  try {
    for await (const page of stream.start(cursor)) {
      const { statements, rows } = spec.write(ctx, page.records);
      counters.fetched += page.records.length;
      counters.upserted += rows;
      counters.skipped += page.skipped;
      counters.pages = (counters.pages ?? 0) + 1;
      if (page.progress) Object.assign(counters, page.progress);
      const last = page.next === null;
      // The data version moves in this batch too, and only if the page changed what usage pages show.
      const batch: Statement[] = [
        openVersionStatement(write.db, write.connectionId),
        ...statements,
        ...(last && spec.complete ? spec.complete(ctx) : []),
        ...(page.enterpriseName
          ? [enterpriseNameStatement(write.db, write.connectionId, page.enterpriseName)]
          : []),
        checkpoint(last ? DONE : stream.cursor.encode(page.next)),
        runStatsStatement(write.db, input.runId, stats),
        closeVersionStatement(write.db, write.connectionId),
      ];
      await write.db.batch(batch as [Statement, ...Statement[]]);
      if (last) return 'done';
      if (!(await input.keepGoing())) return 'paused';
    }
    // A stream always ends with a `next: null` page; reaching here means it ended early, so walk again.
    return 'paused';
  } catch (e) {
    if (e instanceof ConnectorError && e.kind === 'budget') {
      // Store where to resume even before the first page, so the next slice keeps this walk's range.
      if (e.cursor != null) await write.db.batch([checkpoint(stream.cursor.encode(e.cursor))]);
      return 'paused';
    }
    throw e;
  }
}
