import type { Hono } from 'hono';
import type { FaultSettings } from './faults';
import type { SimStats } from './stats';

/** Options of `createSimulator`; every field is optional. */
export interface SimOptions {
  /** Seed of all generated data, tokens and fault decisions. Default 1. */
  seed?: number;
  /** Enterprise users, including those removed over time. Default 200. */
  users?: number;
  /** Days of meetings before the anchor day. Default 30. */
  days?: number;
  /** Mean meetings per day (weekdays busier than weekends). Default users * 0.6. */
  meetingsPerDay?: number;
  /** Epoch ms clock. Default Date.now. */
  now?: () => number;
  /** Used for latency faults. Default setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  /** Access token lifetime. Default 3600. */
  tokenTtlSeconds?: number;
  /** Requests/second per caller (app or user); 0 = off. Default 0. */
  rateLimit?: number;
  /** 0..1 share of data requests answered 5xx. Default 0. */
  faultRate?: number;
  /** Added latency per API request. Default 0. */
  latencyMs?: number;
  /** 0..1 share of data responses truncated/malformed. Default 0. */
  malformedRate?: number;
  /** Meetings appear in listings up to this long after they end. Default 0. */
  lateArrivalMinutes?: number;
  /** Users removed each time a new user listing starts. Default 0. */
  removeUsersPerListing?: number;
  /** Start with the OAuth Access tab disabled (client-credential grants refused). Default false. */
  oauthAccessDisabled?: boolean;
  /**
   * UTC midnight (epoch ms) the data set is anchored to. Default: midnight of `now()` at creation.
   * Same seed + options + anchor = same data.
   */
  anchor?: number;
  /** swagger.yaml text to serve at GET /swagger.yaml (the Node server passes sim/spec/swagger.yaml). */
  specYaml?: string;
}

/** Operations the `/__sim/` control endpoint also exposes, for tests. */
export interface SimControl {
  /** Changes fault settings at run time; returns the settings now in force. */
  setFaults(partial: Partial<FaultSettings>): FaultSettings;
  /** Current fault settings. */
  faults(): FaultSettings;
  /** Revokes an app's credentials and every token issued to it (mid-run revocation). */
  revokeApp(appKey: string): boolean;
  /** Accepts an app's credentials again (tokens revoked earlier stay revoked). */
  restoreApp(appKey: string): boolean;
  /** Removes `count` seeded-random users, or the given user ids; returns the ids removed. */
  removeUsers(target: number | readonly number[]): number[];
  /** Request counters. */
  stats(): SimStats;
  /** Back to the initial state: faults, apps, tokens, codes, removals, stats and fault sequence. */
  reset(): void;
}

/** A running simulator: a Hono app plus its control surface. */
export interface Simulator {
  app: Hono;
  fetch: (req: Request) => Promise<Response>;
  enterpriseId: string;
  credentials: {
    appKey: string;
    appSecret: string;
    adminUser: { username: string; password: string };
    plainUser: { username: string; password: string };
  };
  control: SimControl;
}

export type { FaultSettings } from './faults';
export type { SimStats } from './stats';
