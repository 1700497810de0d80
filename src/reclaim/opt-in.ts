/**
 * The opt-in to removing users ("Allow Seatwise to remove users you approve"), given on the consent step
 * of connecting. On Licences the settings form carries the same choice (`allowRemoval=yes|no`). Either
 * way the change is written to the activity log, and it is revocable there.
 */
import type { Db } from '../../db/client';
import { getLicenceSettings, saveLicenceSettings } from '../../db/queries/licences';
import { recordAudit } from '../connections/audit';

/** Turns removal on (a no-op when it is on already); returns whether it changed. */
export async function allowRemoval(
  db: Db,
  input: { orgId: string; connectionId: string; actor: string; now: number; where: 'consent' | 'licences' },
): Promise<boolean> {
  const current = await getLicenceSettings(db, input.orgId);
  if (current.allowRemoval) return false;
  await saveLicenceSettings(db, input.orgId, { ...current, allowRemoval: true }, input.actor, input.now);
  await recordAudit(db, {
    orgId: input.orgId,
    connectionId: input.connectionId,
    actor: input.actor,
    action: 'licences.removal_allowed',
    detail: { where: input.where },
    at: input.now,
  });
  return true;
}
