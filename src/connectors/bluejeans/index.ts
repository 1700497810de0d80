/**
 * The BlueJeans connector: `createBlueJeansConnector(deps)` wires the client, auth strategies, token
 * cache, rate limiter and streams behind the `Connector` contract (src/connectors/types.ts).
 *
 * One connector per process (or Worker isolate): it keeps one token bucket per connection so every
 * session and stream of a connection shares the rate.
 */
import type { Db } from '../../../db/client';
import type { Clock } from '../../lib/clock';
import { newHolderId } from '../../lib/lease';
import type { Sealer } from '../../lib/seal';
import { createTokenBucket, type RateLimiter } from '../../lib/token-bucket';
import { connectionVault } from '../../lib/vault';
import type {
  Connector,
  ConnectorSession,
  Credentials,
  FetchLike,
  RevokeResult,
  SessionOptions,
  StoredConnection,
  Stream,
  TimeRange,
} from '../types';
import { ConnectorError } from '../types';
import { exchangeAuthorizationCode, strategyFor } from './auth';
import { type BlueJeansClient, createClient } from './client';
import { type BlueJeansConfigInput, resolveConfig } from './config';
import type { AnalyticsCursor, HistoryCursor, MeetingsCursor, UsersCursor } from './cursor';
import { badResponse } from './errors';
import type {
  DailyActiveRow,
  DailyMeetingUsageRow,
  HistoryRecord,
  MeetingRow,
  UserActivityRow,
  UserRow,
} from './map';
import { consumeState, issueState, type StateDeps, signerFromKeyRing, signerFromSecret } from './oauth-state';
import { revokeAll } from './revoke';
import {
  activeUsersStream,
  meetingHistoryStream,
  meetingsStream,
  meetingUsageStream,
  type StreamContext,
  topUsersStream,
  usersStream,
} from './streams';
import { createTokenCache } from './token-cache';
import { createTokenProvider } from './token-provider';
import { describe, verifyWith } from './verify';

export interface BlueJeansConnectorDeps {
  fetch: FetchLike;
  clock: Clock;
  db: Db;
  sealer: Sealer;
  /** `BLUEJEANS_API_BASE`; default https://api.bluejeans.com. */
  apiBase?: string;
  /** `BLUEJEANS_AUTH_BASE`; default https://bluejeans.com. */
  authBase?: string;
  /** `BLUEJEANS_RATE_LIMIT`; default 2. */
  requestsPerSecond?: number;
  timeoutMs?: number;
  /** Uniform in [0, 1) for backoff jitter; Math.random by default. */
  random?: () => number;
  /** Everything else (page sizes, windows, retry limits, timezone...). */
  config?: BlueJeansConfigInput;
  /** HMAC secret for OAuth state; derived from the seal key ring when absent. */
  stateSecret?: string;
  /** Ids for OAuth state rows; random by default. */
  newId?: () => string;
  /**
   * Called after a 3-legged refresh rotated the refresh token, so the caller can re-seal the stored
   * credentials. The token cache already holds the new one; a failing hook does not fail the sync.
   */
  onCredentialsRotated?: (
    connection: { id: string; orgId: string },
    credentials: Credentials,
  ) => Promise<void>;
}

/** A session's streams. Ranges are half-open `[from, to)` in epoch ms; resume with the stream's cursor. */
export interface BlueJeansSession extends ConnectorSession {
  users(): Stream<UserRow, UsersCursor>;
  meetings(range: TimeRange): Stream<MeetingRow, MeetingsCursor>;
  meetingHistory(range: TimeRange): Stream<HistoryRecord, HistoryCursor>;
  activeUsers(range: TimeRange): Stream<DailyActiveRow, AnalyticsCursor>;
  meetingUsage(range: TimeRange): Stream<DailyMeetingUsageRow, AnalyticsCursor>;
  topUsers(range: TimeRange): Stream<UserActivityRow, AnalyticsCursor>;
  /** When the current token expires (minting one if needed); for diagnostics. */
  tokenExpiresAt(): Promise<number>;
  /**
   * Removes a user from the enterprise (the account lives on): `removed` on 204, `gone` on 404 (no such
   * user, or already removed). One try, never retried here (a retry after a lost answer could meet a
   * 404 for a removal that worked): anything else throws a ConnectorError and the caller decides.
   */
  removeUser(userId: string): Promise<'removed' | 'gone'>;
  /** Whether BlueJeans still knows the user (false on 404); for re-checking an interrupted removal. */
  userExists(userId: string): Promise<boolean>;
}

export type BlueJeansConnector = Connector<BlueJeansSession> & {
  /** The shared limiter of a connection (created on first use). */
  limiterFor(connectionId: string): RateLimiter;
};

/** Builds the connector. */
export function createBlueJeansConnector(deps: BlueJeansConnectorDeps): BlueJeansConnector {
  const config = resolveConfig({
    ...deps.config,
    apiBase: deps.apiBase ?? deps.config?.apiBase,
    authBase: deps.authBase ?? deps.config?.authBase,
    requestsPerSecond: deps.requestsPerSecond ?? deps.config?.requestsPerSecond,
    timeoutMs: deps.timeoutMs ?? deps.config?.timeoutMs,
  });
  const { clock, db } = deps;
  const random = deps.random ?? Math.random;
  const limiters = new Map<string, RateLimiter>();
  const limiterFor = (connectionId: string): RateLimiter => {
    let l = limiters.get(connectionId);
    if (!l) {
      l = createTokenBucket({ ratePerSecond: config.requestsPerSecond, burst: config.burst, clock });
      limiters.set(connectionId, l);
    }
    return l;
  };
  const stateDeps: StateDeps = {
    db,
    signer: deps.stateSecret ? signerFromSecret(deps.stateSecret) : signerFromKeyRing(deps.sealer.ring),
    now: () => clock.now(),
    ttlMs: config.stateTtlMs,
    newId: deps.newId ?? (() => crypto.randomUUID()),
  };

  /** A client for someone waiting on a page: no budget, short retries, its own limiter. */
  const interactiveClient = (): BlueJeansClient =>
    createClient({
      fetch: deps.fetch,
      clock,
      config,
      random,
      limiter: createTokenBucket({ ratePerSecond: config.requestsPerSecond, burst: config.burst, clock }),
      retry: { maxRetries: config.verifyMaxRetries, maxTotalWaitMs: config.verifyMaxTotalWaitMs },
    });

  function session(connection: StoredConnection, options: SessionOptions = {}): BlueJeansSession {
    const client = createClient({
      fetch: deps.fetch,
      clock,
      config,
      random,
      limiter: options.limiter ?? limiterFor(connection.id),
      budget: options.budget,
    });
    const strategy = strategyFor(connection.credentials, clock);
    const cache = createTokenCache(
      db,
      connectionVault(db, deps.sealer, { orgId: connection.orgId, connectionId: connection.id }),
    );
    const tokens = createTokenProvider({
      db,
      clock,
      config,
      cache,
      strategy,
      client,
      connectionId: connection.id,
      newHolder: () => newHolderId('token'),
      afterMint: async (grant) => {
        const c = connection.credentials;
        if (c.method !== 'oauth' || !grant.refreshToken || grant.refreshToken === c.refreshToken) return;
        try {
          await deps.onCredentialsRotated?.(
            { id: connection.id, orgId: connection.orgId },
            { ...c, refreshToken: grant.refreshToken },
          );
        } catch {
          // The cache holds the rotated token; the next rotation tries the hook again.
        }
      },
    });
    const enterpriseId = async (): Promise<string> => {
      if (connection.enterpriseId) return connection.enterpriseId;
      const eid = (await tokens.grant()).enterpriseId;
      // Every strategy resolves the enterprise when it mints; a cache written by an older build may not.
      if (!eid) throw badResponse({ operationId: 'getEnterpriseProfile', reason: 'unexpected_shape' });
      return eid;
    };
    const ctx: StreamContext = {
      client,
      auth: { kind: 'source', source: tokens },
      method: connection.credentials.method,
      config,
      enterpriseId,
    };
    return {
      connectionId: connection.id,
      accountId: enterpriseId,
      users: () => usersStream(ctx),
      meetings: (range) => meetingsStream(ctx, range),
      meetingHistory: (range) => meetingHistoryStream(ctx, range),
      activeUsers: (range) => activeUsersStream(ctx, range),
      meetingUsage: (range) => meetingUsageStream(ctx, range),
      topUsers: (range) => topUsersStream(ctx, range),
      tokenExpiresAt: async () => (await tokens.grant()).expiresAt,
      removeUser: async (userId) => {
        const eid = await enterpriseId();
        try {
          // operationId: removeUser. One try: after a 5xx or no answer the user may be gone already, so
          // the caller re-checks (getUser) before trying again instead of the client retrying blindly.
          await client.with({ retry: { maxRetries: 0, maxTotalWaitMs: 0 } }).call({
            operationId: 'removeUser',
            method: 'DELETE',
            path: `/v1/enterprise/${encodeURIComponent(eid)}/users/${encodeURIComponent(userId)}`,
            auth: ctx.auth,
            context: { call: 'data', method: connection.credentials.method },
            schema: null,
          });
          return 'removed';
        } catch (e) {
          if (e instanceof ConnectorError && e.status === 404) return 'gone';
          throw e;
        }
      },
      userExists: async (userId) => {
        try {
          // operationId: getUser
          await client.call({
            operationId: 'getUser',
            method: 'GET',
            path: `/v1/user/${encodeURIComponent(userId)}`,
            auth: ctx.auth,
            context: { call: 'data', method: connection.credentials.method },
            schema: null,
          });
          return true;
        } catch (e) {
          if (e instanceof ConnectorError && e.status === 404) return false;
          throw e;
        }
      },
    };
  }

  async function revoke(connection: StoredConnection): Promise<RevokeResult> {
    const cache = createTokenCache(
      db,
      connectionVault(db, deps.sealer, { orgId: connection.orgId, connectionId: connection.id }),
    );
    try {
      const cached = await cache.read().catch(() => null);
      return await revokeAll(interactiveClient(), clock, connection.credentials, cached);
    } finally {
      await cache.clear().catch(() => undefined);
    }
  }

  return {
    vendor: 'bluejeans',
    methods: ['client_credentials', 'oauth', 'password', 'access_token'],
    limiterFor,
    session,
    revoke,

    async verify(credentials) {
      const { account } = await verifyWith(interactiveClient(), strategyFor(credentials, clock));
      return account;
    },

    async authorizeUrl(input) {
      const { state, expiresAt } = await issueState(stateDeps, input);
      const url = new URL(`${config.authBase}/oauth2/authorize`);
      // operationId: getAuthorizationCode (a browser page, not an API call)
      url.searchParams.set('clientId', input.appKey);
      url.searchParams.set('redirectUri', input.redirectUri);
      url.searchParams.set('state', state);
      url.searchParams.set('scope', (input.scopes ?? config.oauthScopes).join(','));
      url.searchParams.set('responseType', 'code');
      url.searchParams.set('appName', config.oauthAppName);
      return { url: url.toString(), state, expiresAt };
    },

    async exchangeCode(input) {
      const { connectionId, redirectUri } = await consumeState(stateDeps, {
        state: input.state,
        orgId: input.orgId,
      });
      const client = interactiveClient();
      const grant = await exchangeAuthorizationCode(client, clock, { ...input, redirectUri });
      const account = await describe(client, 'oauth', input.appKey, grant);
      return {
        credentials: {
          method: 'oauth',
          appKey: input.appKey,
          appSecret: input.appSecret,
          refreshToken: grant.refreshToken as string,
        },
        account,
        connectionId,
        redirectUri,
      };
    },
  };
}

export type { BlueJeansConfig, BlueJeansConfigInput } from './config';
export { resolveConfig } from './config';
export type { AnalyticsCursor, HistoryCursor, MeetingsCursor, UsersCursor } from './cursor';
export { CursorError, cursorCodecs } from './cursor';
export type {
  DailyActiveRow,
  DailyMeetingUsageRow,
  HistoryRecord,
  HistoryRow,
  MeetingRow,
  ParticipantRow,
  UserActivityRow,
  UserRow,
} from './map';
