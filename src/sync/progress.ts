/** Live progress of a connection's open run, in the shape the card shows. */

import type { Db } from '../../db/client';
import { findRunningRun, parseStats } from '../../db/queries/sync';
import type { SyncProgress } from '../views/connection-card';

const PHASE_LABEL: Record<string, string> = {
  users: 'Users',
  meetings: 'Meetings',
  meeting_history: 'Meeting history',
  active_users: 'Daily active users',
  meeting_usage: 'Daily meeting usage',
};

/** Records fetched so far by the running run, and the stream it reached; undefined when none runs. */
export async function syncProgress(db: Db, connectionId: string): Promise<SyncProgress | undefined> {
  const run = await findRunningRun(db, connectionId);
  if (!run) return undefined;
  const stats = parseStats(run.stats);
  const names = Object.keys(stats);
  const last = names[names.length - 1];
  const done = Object.values(stats).reduce((n, s) => n + (s.fetched ?? 0), 0);
  return {
    phase: last ? (PHASE_LABEL[last] ?? last) : 'Starting',
    done,
    startedAt: run.startedAt,
  };
}
