import { createClient } from '@libsql/client';
import { createDb, type Db } from '../../db/client';
import { connections, organizations } from '../../db/schema';
import { createSimulator, type SimOptions } from '../../sim';
import { type BlueJeansConnectorDeps, createBlueJeansConnector } from '../../src/connectors/bluejeans';
import type { BlueJeansConfigInput } from '../../src/connectors/bluejeans/config';
import type { Credentials, FetchLike, StoredConnection } from '../../src/connectors/types';
import { manualClock } from '../../src/lib/clock';
import { createSealer, generateKeyEntry, parseKeyRing, type Sealer } from '../../src/lib/seal';
import { testDb } from '../helpers/deps';

/** A fresh migrated database file; `url` lets a second client open the same file (a second "worker"). */
export const freshDb = testDb;

/** Opens another client on the same database file. */
export function openDb(url: string): Db {
  return createDb(createClient({ url }));
}

export async function addConnection(
  db: Db,
  id = 'con_1',
  orgId = 'org_1',
): Promise<{ id: string; orgId: string }> {
  await db.insert(organizations).values({ id: orgId, slug: orgId, name: 'Org' }).onConflictDoNothing();
  await db.insert(connections).values({ id, orgId, vendor: 'bluejeans', state: 'connected' });
  return { id, orgId };
}

export function testSealer(): Sealer {
  return createSealer(parseKeyRing(generateKeyEntry()));
}

/** A deterministic "random" source cycling through fixed values. */
export function fixedRandom(...values: number[]): () => number {
  let i = 0;
  const vs = values.length ? values : [0.5];
  return () => vs[i++ % vs.length] as number;
}

export { manualClock };

export const DAY = 86_400_000;
/** The test clock starts here (manualClock's default). */
export const T0 = Date.UTC(2026, 0, 15, 12);
/** The simulated data ends ten days before T0, so nothing changes while a test's clock moves. */
export const ANCHOR = Date.UTC(2026, 0, 5);
/** Origin the connector is configured with; requests to it go to the in-process simulator. */
export const ORIGIN = 'https://bj.sim.test';

export interface BjEnvOptions {
  sim?: SimOptions;
  config?: BlueJeansConfigInput;
  deps?: Partial<BlueJeansConnectorDeps>;
  /** Wraps the simulator's fetch (to inject network failures). */
  wrapFetch?: (f: FetchLike) => FetchLike;
}

/**
 * The small seeded enterprise the connector and sync tests share, on the test's clock: simulated latency
 * advances the clock instead of waiting.
 */
export function clockedSimulator(
  clock: { now(): number; advance(ms: number): void },
  overrides: Parameters<typeof createSimulator>[0] = {},
) {
  return createSimulator({
    seed: 7,
    users: 40,
    days: 5,
    anchor: ANCHOR,
    now: () => clock.now(),
    sleep: async (ms) => clock.advance(ms),
    ...overrides,
  });
}

/**
 * A simulator, a database with one connection row, and a connector over both, on one manual clock.
 * Simulated latency advances the clock without counting as a client sleep, so `clock.slept` holds only
 * the connector's own waits.
 */
export async function bjEnv(options: BjEnvOptions = {}) {
  const clock = yieldingClock(manualClock(T0));
  const sim = clockedSimulator(clock, options.sim);
  const raw: FetchLike = (input, init) => sim.fetch(new Request(input, init));
  const fetch = options.wrapFetch ? options.wrapFetch(raw) : raw;
  const { db, url } = await freshDb();
  const conn = await addConnection(db);
  const sealer = testSealer();
  const make = (over: Partial<BlueJeansConnectorDeps> = {}) =>
    createBlueJeansConnector({
      fetch,
      clock,
      db,
      sealer,
      apiBase: ORIGIN,
      authBase: ORIGIN,
      requestsPerSecond: 1000,
      random: () => 0.5,
      ...options.deps,
      ...over,
      config: {
        pageSize: { users: 7, meetings: 10, history: 10 },
        windowDays: { meetings: 2, history: 2, analytics: 2 },
        ...options.config,
        ...over.config,
      },
    });
  const connector = make();
  const appCredentials: Credentials = {
    method: 'client_credentials',
    appKey: sim.credentials.appKey,
    appSecret: sim.credentials.appSecret,
  };
  const stored = (credentials: Credentials = appCredentials): StoredConnection => ({ ...conn, credentials });
  /** The whole simulated span, ending well before the clock. */
  const range = { from: ANCHOR - 5 * DAY, to: ANCHOR };
  return { clock, sim, fetch, raw, db, url, conn, sealer, connector, make, appCredentials, stored, range };
}

/**
 * The manual clock, except that sleeping first lets pending I/O run (as real time would): without it a
 * poll loop on the manual clock spins through its whole deadline in microtasks while the work it waits
 * for (database, crypto) never gets a turn.
 */
export function yieldingClock<C extends ReturnType<typeof manualClock>>(base: C): C {
  return {
    ...base,
    sleep: async (ms: number) => {
      await new Promise((resolve) => setImmediate(resolve));
      await base.sleep(ms);
    },
  };
}

/** Drains a stream: every page, in order. */
export async function walk<T, C>(
  gen: AsyncGenerator<{ records: T[]; skipped: number; next: C | null }>,
): Promise<{ records: T[]; skipped: number; cursors: (C | null)[]; pages: T[][] }> {
  const records: T[] = [];
  const cursors: (C | null)[] = [];
  const pages: T[][] = [];
  let skipped = 0;
  for await (const page of gen) {
    records.push(...page.records);
    pages.push(page.records);
    cursors.push(page.next);
    skipped += page.skipped;
  }
  return { records, skipped, cursors, pages };
}
