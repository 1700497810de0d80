/**
 * The composition root's inputs. Entries build `Deps` once; the app and jobs
 * read services from here (handlers through `c.var.deps`), never from globals.
 */
import type { Client } from '@libsql/client';
import { createDb, type Db } from '../db/client';
import type { FetchLike } from './connectors/types';
import type { Config } from './env';
import { type Clock, systemClock } from './lib/clock';
import { createLogger, type Logger } from './lib/logger';
import { createSealer, type KeyRing, type Sealer } from './lib/seal';
import { VERSION } from './version';

/** A message for the sync queue (Workers: Cloudflare Queues; Node/Deno: in process). */
export interface SyncMessage {
  type: 'sync';
  connectionId: string;
}

export interface SyncQueue {
  send(message: SyncMessage): Promise<void>;
}

export interface Deps {
  config: Config;
  db: Db;
  clock: Clock;
  fetch: FetchLike;
  sealer: Sealer;
  logger: Logger;
  version: string;
  /** Absent where work runs in process. */
  queue?: SyncQueue;
}

export interface BuildDepsInput {
  config: Config;
  client: Client;
  keyRing: KeyRing;
  fetch?: FetchLike;
  clock?: Clock;
  logger?: Logger;
  queue?: SyncQueue;
}

/** Assembles Deps from a libSQL client and a key ring chosen by the entry. */
export function buildDeps(input: BuildDepsInput): Deps {
  return {
    config: input.config,
    db: createDb(input.client),
    clock: input.clock ?? systemClock,
    fetch: input.fetch ?? ((i, init) => fetch(i, init)),
    sealer: createSealer(input.keyRing),
    logger: input.logger ?? createLogger(),
    version: VERSION,
    ...(input.queue ? { queue: input.queue } : {}),
  };
}

/** Hono environment shared by every route. */
export interface AppEnv {
  Variables: {
    deps: Deps;
    requestId: string;
    /** Tenant of this request (local mode: `local`). */
    orgId: string;
    /** Who is acting, for the audit log. */
    actor: string;
  };
}
