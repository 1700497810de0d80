/**
 * `npm run export -- --out FILE [--org SLUG]`: writes the same archive as `GET /export/bluejeans.zip`
 * to a file. It is written beside FILE under a temporary name and renamed at the end, so a failure
 * never leaves a truncated archive where a good one was expected.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { eq } from 'drizzle-orm';
import { organizations } from '../../db/schema';
import { recordAudit } from '../connections/audit';
import type { Deps } from '../deps';
import { deploymentOrgId } from '../lib/tenancy';
import { archiveStream } from './archive';

export const USAGE = 'usage: npm run export -- --out FILE [--org SLUG]';

export type ExportArgs = { ok: true; out: string; org?: string } | { ok: false; lines: string[] };

/** Parses the flags before anything is opened. */
export function parseExportArgs(argv: readonly string[]): ExportArgs {
  let values: { out?: string; org?: string };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { out: { type: 'string' }, org: { type: 'string' } },
    }));
  } catch (e) {
    return { ok: false, lines: [e instanceof Error ? e.message : String(e), USAGE] };
  }
  if (!values.out) return { ok: false, lines: ['--out FILE is required', USAGE] };
  return { ok: true, out: values.out, ...(values.org ? { org: values.org } : {}) };
}

export interface ExportResult {
  code: number;
  lines: string[];
}

export async function runExportCli(deps: Deps, argv: readonly string[]): Promise<ExportResult> {
  const args = parseExportArgs(argv);
  if (!args.ok) return { code: 2, lines: args.lines };
  const orgId = args.org ?? deploymentOrgId(deps.config);
  const org = await deps.db
    .select({ id: organizations.id })
    .from(organizations)
    .where(eq(organizations.id, orgId))
    .get();
  if (!org) return { code: 1, lines: [`No organization "${orgId}" in this database.`] };
  const now = deps.clock.now();
  await recordAudit(deps.db, {
    orgId,
    actor: 'cli',
    action: 'archive.exported',
    detail: { via: 'cli' },
    at: now,
  });
  const partial = `${args.out}.partial`;
  try {
    await archiveStream({ db: deps.db, orgId, now, version: deps.version }).pipeTo(
      Writable.toWeb(createWriteStream(partial)),
    );
    await rename(partial, args.out);
  } catch (err) {
    await rm(partial, { force: true });
    const reason = err instanceof Error ? err.message : String(err);
    return { code: 1, lines: [`The archive could not be written: ${reason}`] };
  }
  return { code: 0, lines: [`Wrote the BlueJeans archive of "${orgId}" to ${args.out}`] };
}
