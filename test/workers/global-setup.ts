/**
 * Node-side setup of the workers project: a migrated libSQL file behind the Hrana test server, whose URL
 * the Worker receives as its DATABASE_URL binding (see vitest.config.ts). workerd reaches it on
 * 127.0.0.1, exactly as a deployed Worker reaches Turso over HTTP.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { migrate } from 'drizzle-orm/libsql/migrator';
import type { TestProject } from 'vitest/node';
import { startHranaServer } from '../../scripts/hrana/server';
import { startSimServer } from '../../sim/server';
import { startNodeTwin } from './node-twin';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the Hrana server, e.g. http://127.0.0.1:41234 (with /__hrana/ controls). */
    hranaUrl: string;
    /** Base URL of the BlueJeans simulator (with /__sim/ controls). */
    simUrl: string;
    /** `POST <twinUrl>/run`: the Node build's usage page and CSV after the same path (node-twin.ts). */
    twinUrl: string;
  }
}

const migrationsFolder = fileURLToPath(new URL('../../db/migrations', import.meta.url));

/** Starts the database server before workerd boots; the returned teardown stops it and deletes the file. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'seatwise-workers-'));
  const dbUrl = `file:${join(dir, 'seatwise.db')}`;
  const client = createClient({ url: dbUrl });
  try {
    await migrate(drizzle(client), { migrationsFolder });
  } finally {
    client.close();
  }
  const server = await startHranaServer({ dbUrl, control: true });
  project.provide('hranaUrl', server.url);
  // A small enterprise: enough for several slices, quick to sync.
  // Its clock stands still: the Worker and the Node build, syncing one after the other, read the very
  // same enterprise (nobody meets in between).
  const simNow = Date.now();
  const sim = await startSimServer({ seed: 7, users: 60, days: 30, now: () => simNow });
  project.provide('simUrl', sim.url);
  const twin = await startNodeTwin(sim.url);
  project.provide('twinUrl', twin.url);
  return async () => {
    await Promise.allSettled([server.close(), sim.close(), twin.close()]);
    rmSync(dir, { recursive: true, force: true });
  };
}
