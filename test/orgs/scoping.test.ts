/**
 * Scoping in one place: the helper keeps every customer table inside one
 * organization, and route files cannot reach the database around it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getTableColumns } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import * as schema from '../../db/schema';
import { getOrCreateConnection } from '../../src/connections/store';
import { findOwned, findOwnedOrUndefined, orgScope, ownedBy } from '../../src/lib/scope';
import { testDb } from '../helpers/deps';

const ROUTES = join(import.meta.dirname, '../../src/routes');

describe('route files', () => {
  it('never touch the database or the organization except through c.var.scope', () => {
    const offenders: string[] = [];
    for (const file of readdirSync(ROUTES, { recursive: true }) as string[]) {
      if (!/\.tsx?$/.test(file)) continue;
      const text = readFileSync(join(ROUTES, file), 'utf8');
      text.split('\n').forEach((line, i) => {
        if (/\bdeps\.db\b|\bd\.db\b|var\.orgId|from '\.\.\/\.\.\/db\/schema'/.test(line))
          offenders.push(`${file}:${i + 1}: ${line.trim()}`);
      });
    }
    expect(offenders).toEqual([]);
  });
});

describe('ownedBy / findOwned', () => {
  it('every customer table is scoped by org_id or by the organization’s connections', () => {
    // Infrastructure, not customer data: locks, cron beats, the tenants themselves, rate-limit counters.
    const shared = new Set(['leases', 'cron_heartbeats', 'organizations', 'rate_limits']);
    let checked = 0;
    for (const table of Object.values(schema)) {
      if (!table || typeof table !== 'object' || !('getSQL' in table)) continue;
      const columns = Object.keys(getTableColumns(table as never));
      const name = (table as unknown as { [k: symbol]: string })[Symbol.for('drizzle:Name')];
      if (shared.has(String(name))) continue;
      // Scoped through their parent: reclaim items are only reached through their org-scoped job.
      if (columns.includes('jobId') && String(name) === 'reclaim_items') continue;
      checked += 1;
      expect(
        columns.includes('orgId') || columns.includes('connectionId') || columns.includes('jobId'),
        `${String(name)} has neither org_id, connection_id nor job_id`,
      ).toBe(true);
    }
    expect(checked).toBeGreaterThanOrEqual(10);
  });

  it('finds an id inside its organization only; elsewhere it is a 404', async () => {
    const { db } = await testDb();
    const a = orgScope(db, 'org-a');
    const b = orgScope(db, 'org-b');
    for (const id of ['org-a', 'org-b'])
      await db.insert(schema.organizations).values({ id, slug: id, name: id });
    const conA = await getOrCreateConnection(db, 'org-a', 'bluejeans');
    await getOrCreateConnection(db, 'org-b', 'bluejeans');
    await db
      .insert(schema.syncRuns)
      .values({ id: 'run-a', connectionId: conA.id, trigger: 'manual', startedAt: 1 });

    expect((await findOwned(a, schema.connections, conA.id)).id).toBe(conA.id);
    expect((await findOwned(a, schema.syncRuns, 'run-a')).id).toBe('run-a');
    expect(await findOwnedOrUndefined(b, schema.connections, conA.id)).toBeUndefined();
    await expect(findOwned(b, schema.syncRuns, 'run-a', 'That sync run')).rejects.toMatchObject({
      status: 404,
      message: 'That sync run does not exist.',
    });
    const runsOfB = await db.select().from(schema.syncRuns).where(ownedBy(b, schema.syncRuns)).all();
    expect(runsOfB).toEqual([]);
  });
});
