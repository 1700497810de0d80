/**
 * `npm run export -- --out FILE [--org SLUG]`: writes the same archive as `GET /export/bluejeans.zip`
 * to a file. It is written beside FILE under a temporary name and renamed at the end, so a failure
 * never leaves a truncated archive where a good one was expected.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { recordAudit } from '../connections/audit';
import type { Deps } from '../deps';
import { orgScope } from '../lib/scope';
import { findOrgBySlug, listOrganizations } from '../orgs/store';
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
  let org: { id: string; slug: string } | undefined;
  if (args.org) {
    org = await findOrgBySlug(deps.db, args.org);
    if (!org) return { code: 1, lines: [`No organization "${args.org}" in this database.`] };
  } else {
    // One organization (local mode, a single Access deployment): that one; several: name it.
    const all = await listOrganizations(deps.db);
    if (all.length !== 1) {
      const slugs = all.map((o) => o.slug).join(', ') || 'none';
      return {
        code: 2,
        lines: [`Name the organization with --org SLUG (this database has: ${slugs}).`, USAGE],
      };
    }
    org = all[0];
  }
  const orgId = (org as { id: string }).id;
  const slug = (org as { slug: string }).slug;
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
    await archiveStream({ scope: orgScope(deps.db, orgId), now, version: deps.version }).pipeTo(
      Writable.toWeb(createWriteStream(partial)),
    );
    await rename(partial, args.out);
  } catch (err) {
    await rm(partial, { force: true });
    const reason = err instanceof Error ? err.message : String(err);
    return { code: 1, lines: [`The archive could not be written: ${reason}`] };
  }
  return { code: 0, lines: [`Wrote the BlueJeans archive of "${slug}" to ${args.out}`] };
}
