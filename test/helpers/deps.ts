/**
 * Builders for tests: a real embedded libSQL database (temp file, migrations
 * applied) and Deps around it. Each call gets its own database; nothing shared.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { afterAll } from 'vitest';
import { createDb, type Db } from '../../db/client';
import { migrateDb } from '../../db/migrate';
import { createApp } from '../../src/app';
import type { FetchLike } from '../../src/connectors/types';
import { buildDeps, type Deps } from '../../src/deps';
import { type Config, parseEnv } from '../../src/env';
import { type Clock, manualClock } from '../../src/lib/clock';
import { memoryLogger } from '../../src/lib/logger';
import { generateKeyEntry, parseKeyRing } from '../../src/lib/seal';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh migrated database in a temp folder; returns its file URL too. */
export async function testDb(): Promise<{ db: Db; url: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'seatwise-test-'));
  dirs.push(dir);
  const url = `file:${join(dir, 'test.db')}`;
  const db = createDb(createClient({ url }));
  await migrateDb(db);
  return { db, url };
}

export interface TestDepsOptions {
  env?: Record<string, string>;
  fetch?: FetchLike;
  clock?: Clock;
}

export type TestDeps = Deps & { logger: ReturnType<typeof memoryLogger>; dbUrl: string };

export async function testDeps(options: TestDepsOptions = {}): Promise<TestDeps> {
  const { db, url } = await testDb();
  const config: Config = parseEnv({ DATABASE_URL: url, ...options.env });
  const logger = memoryLogger();
  const deps = buildDeps({
    config,
    client: db.$client,
    keyRing: parseKeyRing(options.env?.SEAL_KEYS ?? generateKeyEntry()),
    clock: options.clock ?? manualClock(),
    logger,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  return Object.assign(deps, { logger, dbUrl: url });
}

/** The app over fresh test deps, plus a helper that sends same-origin requests. */
export async function testApp(options: TestDepsOptions = {}) {
  const deps = await testDeps(options);
  const app = createApp(deps);
  const origin = 'http://127.0.0.1:8787';
  const request = (path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (init.method && init.method !== 'GET' && !headers.has('Origin')) headers.set('Origin', origin);
    return app.request(`${origin}${path}`, { ...init, headers });
  };
  return { app, deps, request, origin };
}
