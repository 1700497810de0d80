/**
 * What a cron firing does, the same on every runtime: the entries (Workers
 * `scheduled`, croner on Node, Deno.cron) only hand the firing to `runScheduled`.
 */
import type { Deps } from '../deps';
import { recordCronRun } from './heartbeat';

export async function runScheduled(deps: Deps, cron: string, scheduledTime: number): Promise<void> {
  await recordCronRun(deps.db, cron, scheduledTime);
  deps.logger.info('cron fired', { cron, at: new Date(scheduledTime).toISOString() });
}
