/**
 * The archive of a large enterprise streams with flat memory: the heap (after a collection) never grows
 * by more than a fraction of the CSV it has written, sampled all along the download.
 */

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect, it } from 'vitest';
import { seedLargeEnterprise } from '../../bench/archive-seed';
import { ensureOrganization, getOrCreateConnection } from '../../src/connections/store';
import { archiveStream } from '../../src/export/archive';
import { orgScope } from '../../src/lib/scope';
import { testDb } from '../helpers/deps';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const heapMb = () => {
  gc();
  return process.memoryUsage().heapUsed / 2 ** 20;
};

it('streams the archive of 60,000 meetings and 180,000 participants with flat memory', async () => {
  const { db } = await testDb();
  const now = Date.UTC(2026, 0, 15);
  await ensureOrganization(db, 'local');
  const { id } = await getOrCreateConnection(db, 'local', 'bluejeans');
  await seedLargeEnterprise(db, id, { meetings: 60_000, participantsPerMeeting: 3, users: 5000, now });

  const before = heapMb();
  let peak = before;
  let bytes = 0;
  let chunks = 0;
  const reader = archiveStream({ scope: orgScope(db, 'local'), now, version: 't' }).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
    if (++chunks % 25 === 0) peak = Math.max(peak, heapMb());
  }
  peak = Math.max(peak, heapMb());
  // Over 40 MB of CSV went through; a stream that kept a table (or the zip) would hold tens of MB.
  expect(bytes).toBeGreaterThan(5 * 2 ** 20);
  expect(chunks).toBeGreaterThan(100);
  expect(peak - before).toBeLessThan(16);
}, 120_000);
