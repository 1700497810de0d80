/**
 * The composition root's inputs. Entries build `Deps` once; the app and jobs
 * read services from here (handlers through `c.var.deps`), never from globals.
 */
import type { Client } from '@libsql/client';
import { createDb, type Db } from '../db/client';
import { storeRotatedCredentials } from './connections/credentials';
import { type BlueJeansConnector, createBlueJeansConnector } from './connectors/bluejeans';
import type { FetchLike } from './connectors/types';
import type { Config } from './env';
import { type Clock, systemClock } from './lib/clock';
import { createLogger, type Logger } from './lib/logger';
import { dbRateLimit, type RateLimit, VERIFY_RATE_LIMIT } from './lib/rate-limit';
import type { Role } from './lib/roles';
import type { OrgScope } from './lib/scope';
import { createSealer, type KeyRing, type Sealer } from './lib/seal';
import { VERSION } from './version';

/** What started the work a sync message carries (recorded on the run and in the audit log). */
export type SyncMessageTrigger =
  | 'manual'
  | 'cron'
  | 'first_connect'
  | 'continuation'
  /** Sent by earlier versions for `first_connect`. */
  | 'first';

/**
 * A message for the sync queue (Workers: Cloudflare Queues; Node/Deno: in process). `trigger` is
 * optional so messages from older producers (`{type, connectionId}` only) still parse; they count as cron.
 */
export interface SyncMessage {
  type: 'sync';
  connectionId: string;
  trigger?: SyncMessageTrigger;
}

/** A webhook delivery to attempt (src/webhooks/deliver.ts). */
export interface WebhookMessage {
  type: 'webhook';
  deliveryId: string;
}

/** A slice of a reclaim job to run (src/reclaim/runner.ts); the job row holds everything else. */
export interface ReclaimMessage {
  type: 'reclaim';
  jobId: string;
  /** The job's turn this message is for (src/reclaim/runner.ts drops messages of older turns). */
  turn?: number;
}

export type QueueMessage = SyncMessage | WebhookMessage | ReclaimMessage;

export interface SyncQueue {
  send(message: QueueMessage, options?: { delaySeconds?: number }): Promise<void>;
  /** Many at once (Cloudflare Queues: at most 100 a call); the scheduler's fan-out uses it when present. */
  sendBatch?(messages: SyncMessage[]): Promise<void>;
}

export interface Deps {
  config: Config;
  db: Db;
  clock: Clock;
  fetch: FetchLike;
  sealer: Sealer;
  logger: Logger;
  version: string;
  /** The BlueJeans connector (one per process/isolate: it keeps each connection's rate limiter). */
  bluejeans: BlueJeansConnector;
  /** Absent where work runs in process. */
  queue?: SyncQueue;
  /** Credential verification attempts, keyed per organization and client address (VERIFY_RATE_LIMIT). */
  verifyLimit: RateLimit;
  /** Fetch for webhook receivers (untrusted URLs; never the connector's). */
  outboundFetch: FetchLike;
  /** Runs `fn` after `ms` in this process (Node/Deno webhook retries); absent: the cron sweep retries. */
  defer?: (ms: number, fn: () => void) => void;
  /** Webhook request timeout override (tests); 5 s otherwise. */
  webhookTimeoutMs?: number;
}

export interface BuildDepsInput {
  config: Config;
  client: Client;
  keyRing: KeyRing;
  fetch?: FetchLike;
  clock?: Clock;
  logger?: Logger;
  queue?: SyncQueue;
  /** Replaces the database counter (e.g. a Workers Rate Limiting binding). */
  verifyLimit?: RateLimit;
  outboundFetch?: FetchLike;
  defer?: (ms: number, fn: () => void) => void;
}

/** Assembles Deps from a libSQL client and a key ring chosen by the entry. */
export function buildDeps(input: BuildDepsInput): Deps {
  const db = createDb(input.client);
  const clock = input.clock ?? systemClock;
  const fetchLike: FetchLike = input.fetch ?? ((i, init) => fetch(i, init));
  const sealer = createSealer(input.keyRing);
  return {
    config: input.config,
    db,
    clock,
    fetch: fetchLike,
    sealer,
    logger: input.logger ?? createLogger(),
    version: VERSION,
    bluejeans: createBlueJeansConnector({
      fetch: fetchLike,
      clock,
      db,
      sealer,
      apiBase: input.config.BLUEJEANS_API_BASE,
      authBase: input.config.BLUEJEANS_AUTH_BASE,
      requestsPerSecond: input.config.BLUEJEANS_RATE_LIMIT,
      // A rotated refresh token must reach the stored credentials, or the next sync would use a dead one.
      onCredentialsRotated: async (connection, credentials) => {
        await storeRotatedCredentials(
          db,
          sealer,
          { orgId: connection.orgId, connectionId: connection.id },
          credentials,
        );
      },
    }),
    ...(input.queue ? { queue: input.queue } : {}),
    verifyLimit: input.verifyLimit ?? dbRateLimit(db, clock, VERIFY_RATE_LIMIT),
    outboundFetch: input.outboundFetch ?? ((i, init) => fetch(i, init)),
    ...(input.defer ? { defer: input.defer } : {}),
  };
}

/** Hono environment shared by every route. */
export interface AppEnv {
  Variables: {
    deps: Deps;
    requestId: string;
    /** The tenant's view of the database: every customer-data query goes through it (src/lib/scope.ts). */
    scope: OrgScope;
    /** Who is acting, for the audit log. */
    actor: string;
    /** The caller's role in `orgId`; undefined when they are no member of it (src/lib/roles.ts). */
    role: Role | undefined;
  };
}
