/**
 * Connector configuration with defaults. Base URLs come from here (the app maps `BLUEJEANS_API_BASE` and
 * `BLUEJEANS_AUTH_BASE` onto them); no URL is a constant anywhere in the logic.
 */

export interface BlueJeansConfig {
  /** REST API and token endpoint origin. */
  apiBase: string;
  /** Where the browser signs in (`/oauth2/authorize`). */
  authBase: string;
  /** Sustained request rate per connection (BlueJeans' Relay API asks for at most 2/s). */
  requestsPerSecond: number;
  /** Back-to-back requests allowed after a quiet spell. */
  burst: number;
  /** Per request, headers and body included. */
  timeoutMs: number;
  userAgent: string;
  /** `app_name` on Command Center calls ("improves API performance" per the spec). */
  appName: string;
  /** Shown on the BlueJeans consent page (`appName` of getAuthorizationCode). */
  oauthAppName: string;
  /** Retries after the first attempt, for 429/5xx/network/unreadable bodies. */
  maxRetries: number;
  /** Total time one request may spend waiting between retries before giving up. */
  maxTotalWaitMs: number;
  backoffBaseMs: number;
  backoffCapMs: number;
  /** verify() answers a person waiting on a form: fewer retries, shorter waits. */
  verifyMaxRetries: number;
  verifyMaxTotalWaitMs: number;
  pageSize: { users: number; meetings: number; history: number };
  /** Days per request window, per windowed endpoint. */
  windowDays: { meetings: number; history: number; analytics: number };
  /** IANA zone in which history dates (MM/DD/YYYY) and daily analytics are reported. */
  timezone: string;
  /** How long a token-mint lease lives if its holder dies. */
  tokenLeaseMs: number;
  /** How long a waiter waits for another worker's mint before giving up (transient). */
  tokenWaitMs: number;
  tokenPollMs: number;
  /** Refresh a token when less than this is left (capped at a fifth of its lifetime). */
  tokenRefreshSkewMs: number;
  /** OAuth state lifetime. */
  stateTtlMs: number;
  /** Scopes requested in the 3-legged flow. */
  oauthScopes: readonly string[];
}

export const DEFAULT_CONFIG: BlueJeansConfig = {
  apiBase: 'https://api.bluejeans.com',
  authBase: 'https://bluejeans.com',
  requestsPerSecond: 2,
  burst: 2,
  timeoutMs: 30_000,
  userAgent: 'Seatwise/0.1 (licence usage; BlueJeans connector)',
  appName: 'seatwise',
  oauthAppName: 'Seatwise',
  maxRetries: 5,
  maxTotalWaitMs: 10 * 60_000,
  backoffBaseMs: 1_000,
  backoffCapMs: 60_000,
  verifyMaxRetries: 2,
  verifyMaxTotalWaitMs: 15_000,
  pageSize: { users: 100, meetings: 100, history: 100 },
  windowDays: { meetings: 7, history: 7, analytics: 31 },
  timezone: 'UTC',
  tokenLeaseMs: 30_000,
  tokenWaitMs: 45_000,
  tokenPollMs: 250,
  tokenRefreshSkewMs: 5 * 60_000,
  stateTtlMs: 10 * 60_000,
  oauthScopes: ['user_info', 'meeting_history', 'list_meetings'],
};

export type BlueJeansConfigInput = Partial<Omit<BlueJeansConfig, 'pageSize' | 'windowDays'>> & {
  pageSize?: Partial<BlueJeansConfig['pageSize']>;
  windowDays?: Partial<BlueJeansConfig['windowDays']>;
};

/** Fills defaults and checks the values a typo would turn into a silent misbehaviour. */
export function resolveConfig(input: BlueJeansConfigInput = {}): BlueJeansConfig {
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const cfg: BlueJeansConfig = {
    ...DEFAULT_CONFIG,
    ...defined,
    pageSize: { ...DEFAULT_CONFIG.pageSize, ...input.pageSize },
    windowDays: { ...DEFAULT_CONFIG.windowDays, ...input.windowDays },
  };
  cfg.apiBase = baseUrl(cfg.apiBase, 'apiBase');
  cfg.authBase = baseUrl(cfg.authBase, 'authBase');
  if (input.burst === undefined) cfg.burst = Math.max(1, Math.floor(cfg.requestsPerSecond));
  for (const [name, v] of Object.entries({
    requestsPerSecond: cfg.requestsPerSecond,
    timeoutMs: cfg.timeoutMs,
    ...cfg.pageSize,
    ...cfg.windowDays,
  })) {
    if (!(Number.isFinite(v) && v > 0)) throw new RangeError(`BlueJeans connector: ${name} must be > 0`);
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: cfg.timezone });
  } catch {
    throw new RangeError(`BlueJeans connector: unknown timezone "${cfg.timezone}"`);
  }
  return cfg;
}

function baseUrl(value: string, name: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new RangeError(`BlueJeans connector: ${name} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new RangeError(`BlueJeans connector: ${name} must be http(s)`);
  }
  return url.toString().replace(/\/+$/, '');
}
