/**
 * One-time form ids: each rendering of a form that changes something carries a
 * random `formId`; the first submission claims it, a second one (double click,
 * back-and-resubmit) finds it taken and changes nothing. Claims are expiring rows
 * in `leases` (key `form:<id>`), the same atomic insert-or-take-over used for
 * locks, so two simultaneous submissions cannot both win.
 */

import type { Db } from '../../db/client';
import { base64url } from '../lib/jwe';
import { acquireLease, newHolderId, releaseLease } from '../lib/lease';

/** Long enough to cover a form left open in a tab for a day. */
const CLAIM_TTL_MS = 24 * 60 * 60_000;

/** A fresh id for a form about to be rendered. */
export function newFormId(): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(18)));
}

export interface FormClaim {
  /** False when this form was already submitted. */
  readonly claimed: boolean;
  /** Gives the id back (the action failed before changing anything, so sending it again is fine). */
  release(): Promise<void>;
}

/** Claims `formId`; a form without one (e.g. a script posting the public fields) cannot be de-duplicated. */
export async function claimForm(db: Db, formId: string | undefined, now: number): Promise<FormClaim> {
  if (!formId) return { claimed: true, release: async () => undefined };
  const key = `form:${formId}`;
  const holder = newHolderId('form');
  const claimed = await acquireLease(db, { key, holder, ttlMs: CLAIM_TTL_MS }, now);
  return { claimed, release: () => (claimed ? releaseLease(db, key, holder) : Promise.resolve()) };
}
