/**
 * Live progress of a connection's open run, in the shape the card and the usage banner show: the step
 * (stream) it is on out of all steps, records and pages done out of the totals the API gave (the user
 * listing's `count`, Command Center's `count=true` per window), days of the range done for windowed
 * streams, the time elapsed and an estimate of the time left.
 */

import type { Db } from '../../db/client';
import { findRunningRun, parseStats, type StreamStats } from '../../db/queries/sync';
import type { SyncProgress } from '../views/connection-card';
import { STREAMS } from './streams';

export const PHASE_LABEL: Record<string, string> = {
  users: 'Users',
  meetings: 'Meetings',
  meeting_history: 'Meeting history',
  active_users: 'Daily active users',
  meeting_usage: 'Daily meeting usage',
};

/** How far through its own walk one stream is, 0..1, from the best total it has (days, records, pages). */
export function streamFraction(s: StreamStats | undefined): number {
  if (!s) return 0;
  if (s.daysTotal && s.daysTotal > 0) return Math.min(1, (s.daysDone ?? 0) / s.daysTotal);
  if (s.total && s.total > 0) return Math.min(1, s.fetched / s.total);
  if (s.pagesTotal && s.pagesTotal > 0) return Math.min(1, (s.pages ?? 0) / s.pagesTotal);
  return 0;
}

/**
 * Progress from a run's stats: the step is the last stream the run reached (stats keep stream order),
 * the share done counts finished steps whole and the current one by its fraction. The estimate is only
 * given once enough is done for it to mean something (5%), and is elapsed time scaled by what is left.
 */
export function progressOf(statsText: string, startedAt: number, now: number): SyncProgress {
  const stats = parseStats(statsText);
  const names = STREAMS.map((s) => s.name);
  const reached = names.filter((n) => stats[n]);
  const current = reached[reached.length - 1];
  const step = current ? names.indexOf(current) + 1 : 0;
  const s = current ? stats[current] : undefined;
  const done = Object.values(stats).reduce((n, x) => n + (x.fetched ?? 0), 0);
  const share = step === 0 ? 0 : (step - 1 + streamFraction(s)) / names.length;
  const elapsedMs = Math.max(0, now - startedAt);
  const progress: SyncProgress = {
    phase: current ? (PHASE_LABEL[current] ?? current) : 'Starting',
    step: Math.max(step, 1),
    steps: names.length,
    done,
    share,
    startedAt,
    elapsedMs,
  };
  if (s) {
    progress.stepDone = s.fetched;
    if (s.total != null) progress.stepTotal = s.total;
    // The latest page's own number (within its window for windowed streams), else pages stored.
    const page = s.page ?? s.pages;
    if (page != null) progress.pagesDone = page;
    if (s.pagesTotal != null) progress.pagesTotal = s.pagesTotal;
    if (s.daysTotal != null) {
      progress.daysDone = s.daysDone ?? 0;
      progress.daysTotal = s.daysTotal;
    }
  }
  if (share >= 0.05 && elapsedMs > 0) progress.remainingMs = Math.round((elapsedMs * (1 - share)) / share);
  return progress;
}

/** The running run's progress; undefined when none runs. */
export async function syncProgress(
  db: Db,
  connectionId: string,
  now: number,
): Promise<SyncProgress | undefined> {
  const run = await findRunningRun(db, connectionId);
  if (!run) return undefined;
  return progressOf(run.stats, run.startedAt, now);
}
