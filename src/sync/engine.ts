/**
 * Running slices in process (Node, Deno, the CLI, "Sync now" without a queue): one slice after another
 * until the run finishes, fails, or the time allowed is up; the checkpoint carries over either way.
 */
import type { Deps } from '../deps';
import type { SyncOptions } from './options';
import { runSlice, type SliceOutcome, type SyncTrigger } from './slice';

export interface SettleInput {
  connectionId: string;
  trigger: SyncTrigger;
  force?: boolean;
  options?: Partial<SyncOptions>;
  /** Stop starting new slices after this moment (epoch ms on deps.clock). */
  deadline?: number;
}

export interface SettleResult {
  connectionId: string;
  /** The last slice's outcome (`continue` only when the deadline stopped the loop). */
  outcome: SliceOutcome;
  slices: number;
  requests: number;
}

/** Runs slices for one connection until it is no longer `continue` (or the deadline passes). */
export async function runUntilSettled(deps: Deps, input: SettleInput): Promise<SettleResult> {
  let slices = 0;
  let requests = 0;
  for (;;) {
    const outcome = await runSlice(deps, {
      connectionId: input.connectionId,
      // Continuations are part of the run the first slice started (or resumed).
      trigger: input.trigger,
      ...(input.force !== undefined && slices === 0 ? { force: input.force } : {}),
      ...(input.options ? { options: input.options } : {}),
    });
    slices += 1;
    if ('requests' in outcome) requests += outcome.requests;
    if (outcome.status !== 'continue') return { connectionId: input.connectionId, outcome, slices, requests };
    if (input.deadline !== undefined && deps.clock.now() >= input.deadline) {
      return { connectionId: input.connectionId, outcome, slices, requests };
    }
  }
}
