/**
 * Cron heartbeats: every scheduled run records (cron, time) so /health can show
 * operators that crons really fire, on Workers and in process alike.
 */
import { desc, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { cronHeartbeats } from '../../db/schema';

export async function recordCronRun(db: Db, cron: string, at: number): Promise<void> {
  await db
    .insert(cronHeartbeats)
    .values({ cron, lastRunAt: at, runs: 1 })
    .onConflictDoUpdate({
      target: cronHeartbeats.cron,
      set: {
        lastRunAt: sql`max(${cronHeartbeats.lastRunAt}, excluded.last_run_at)`,
        runs: sql`${cronHeartbeats.runs} + 1`,
      },
    });
}

export interface LastCronRun {
  cron: string;
  at: string;
  runs: number;
}

export async function lastCronRun(db: Db): Promise<LastCronRun | null> {
  const row = await db.select().from(cronHeartbeats).orderBy(desc(cronHeartbeats.lastRunAt)).limit(1).get();
  return row ? { cron: row.cron, at: new Date(row.lastRunAt).toISOString(), runs: row.runs } : null;
}
