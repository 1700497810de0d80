/**
 * Authentication strategies, one per way an admin connects. Each turns stored credentials into a fresh
 * access token plus what the grant taught us (enterprise id, user id). Every call site names its spec
 * operationId. Secrets travel only in request bodies (or the spec-mandated query for tokenInfo/revoke) and
 * are listed in `secrets` so no error keeps them.
 */
import type { Clock } from '../../lib/clock';
import type { ConnectMethod, Credentials } from '../types';
import { ConnectorError } from '../types';
import type { BlueJeansClient } from './client';
import { badResponse, tokenExpired } from './errors';
import { EnterpriseProfile, GrantClient, GrantCode, GrantPassword, GrantRefresh, TokenInfo } from './schemas';

/** A token and what came with it. Cached sealed; never shown. */
export interface TokenGrant {
  accessToken: string;
  /** When to stop using it (epoch ms). */
  expiresAt: number;
  /** When it was obtained, to size the refresh margin to its lifetime. */
  obtainedAt: number;
  /** 3-legged only; BlueJeans may rotate it on every refresh, so the newest is kept here. */
  refreshToken?: string;
  enterpriseId?: string;
  userId?: string;
  /** From the enterprise profile of a user token; absent for application tokens. */
  enterpriseAdmin?: boolean;
  /** When the credentials themselves end (a pasted token's expiry), if known. */
  credentialsExpireAt?: number;
}

export interface AuthStrategy {
  readonly method: ConnectMethod;
  /** Who connected, for the UI: an App Key, a username, or a user id. Never secret. */
  readonly label: string;
  /** Whether minting again after a 401 can help (not for a pasted token). */
  readonly canRemint: boolean;
  /** Obtains a new token; `previous` is the last cached grant (refresh token, known enterprise id). */
  mint(client: BlueJeansClient, previous: TokenGrant | null): Promise<TokenGrant>;
}

/**
 * Lifetime assumed when a grant omits `expires_in`: short, so an unknown lifetime costs one mint per
 * quarter hour rather than a burst of 401s. (Published lifetimes vary from an hour to two weeks.)
 */
const UNKNOWN_LIFETIME_MS = 15 * 60_000;

function expiry(now: number, expiresIn: number | null | undefined): number {
  return expiresIn != null && expiresIn > 0 ? now + expiresIn * 1000 : now + UNKNOWN_LIFETIME_MS;
}

/** Picks the strategy for stored credentials. */
export function strategyFor(credentials: Credentials, clock: Clock): AuthStrategy {
  switch (credentials.method) {
    case 'client_credentials':
      return clientCredentials(credentials, clock);
    case 'password':
      return passwordGrant(credentials, clock);
    case 'oauth':
      return refreshGrant(credentials, clock);
    case 'access_token':
      return pastedToken(credentials, clock);
  }
}

function clientCredentials(
  c: Extract<Credentials, { method: 'client_credentials' }>,
  clock: Clock,
): AuthStrategy {
  return {
    method: 'client_credentials',
    label: c.appKey,
    canRemint: true,
    async mint(client) {
      const now = clock.now();
      // operationId: getTokenByClient
      const g = await client.call({
        operationId: 'getTokenByClient',
        method: 'POST',
        path: '/oauth2/token',
        body: { grant_type: 'client_credentials', client_id: c.appKey, client_secret: c.appSecret },
        auth: { kind: 'none' },
        context: { call: 'grant', grant: 'client_credentials' },
        schema: GrantClient,
        secrets: [c.appSecret],
      });
      const enterpriseId = g.scope?.enterprise;
      // An application token is only useful with its enterprise; without it the answer is not what the spec says.
      if (!enterpriseId) throw badResponse({ operationId: 'getTokenByClient', reason: 'unexpected_shape' });
      return {
        accessToken: g.access_token,
        expiresAt: expiry(now, g.expires_in),
        obtainedAt: now,
        enterpriseId,
      };
    },
  };
}

function passwordGrant(c: Extract<Credentials, { method: 'password' }>, clock: Clock): AuthStrategy {
  return {
    method: 'password',
    label: c.username,
    canRemint: true,
    async mint(client, previous) {
      const now = clock.now();
      // operationId: getTokenByPassword
      const g = await client.call({
        operationId: 'getTokenByPassword',
        method: 'POST',
        path: '/oauth2/token',
        body: { grant_type: 'password', username: c.username, password: c.password },
        auth: { kind: 'none' },
        context: { call: 'grant', grant: 'password' },
        schema: GrantPassword,
        secrets: [c.password],
      });
      const grant: TokenGrant = {
        accessToken: g.access_token,
        expiresAt: expiry(now, g.expires_in),
        obtainedAt: now,
      };
      return withEnterprise(client, grant, g.scope?.user, g.scope?.enterprise, previous);
    },
  };
}

function refreshGrant(c: Extract<Credentials, { method: 'oauth' }>, clock: Clock): AuthStrategy {
  return {
    method: 'oauth',
    label: c.appKey,
    canRemint: true,
    async mint(client, previous) {
      const now = clock.now();
      const refreshToken = previous?.refreshToken ?? c.refreshToken;
      // operationId: getTokenByRefresh
      const g = await client.call({
        operationId: 'getTokenByRefresh',
        method: 'POST',
        path: '/oauth2/token',
        body: {
          grant_type: 'refresh_token',
          client_id: c.appKey,
          client_secret: c.appSecret,
          refresh_token: refreshToken,
        },
        auth: { kind: 'none' },
        context: { call: 'grant', grant: 'refresh_token' },
        schema: GrantRefresh,
        secrets: [c.appSecret, refreshToken, c.refreshToken],
      });
      const grant: TokenGrant = {
        accessToken: g.access_token,
        expiresAt: expiry(now, g.expires_in),
        obtainedAt: now,
        refreshToken: g.refresh_token ?? refreshToken,
      };
      return withEnterprise(client, grant, g.scope?.user, g.scope?.enterprise, previous);
    },
  };
}

/** A pasted personal token: nothing to mint, only to check (getTokenInfo) and learn its enterprise. */
function pastedToken(c: Extract<Credentials, { method: 'access_token' }>, clock: Clock): AuthStrategy {
  return {
    method: 'access_token',
    label: 'personal access token',
    canRemint: false,
    async mint(client, previous) {
      const now = clock.now();
      const info = await tokenInfo(client, c.accessToken);
      const ends = tokenInfoExpiry(info, now);
      if (ends !== undefined && ends <= now) throw tokenExpired({});
      const grant: TokenGrant = {
        accessToken: c.accessToken,
        // Re-check the token hourly even when it claims to live longer: it may be revoked meanwhile.
        expiresAt: Math.min(ends ?? Number.POSITIVE_INFINITY, now + 60 * 60_000),
        obtainedAt: now,
        credentialsExpireAt: ends,
      };
      return withEnterprise(
        client,
        grant,
        info.user ?? info.scope?.user,
        info.enterprise ?? info.scope?.enterprise,
        previous,
      );
    },
  };
}

/** Reads a token's owner and expiry; the token goes in the query because the spec puts it there. */
export async function tokenInfo(client: BlueJeansClient, accessToken: string): Promise<TokenInfo> {
  // operationId: getTokenInfo
  return client.call({
    operationId: 'getTokenInfo',
    method: 'GET',
    path: '/oauth2/tokenInfo',
    query: { access_token: accessToken },
    auth: { kind: 'none' },
    context: { call: 'token_info' },
    schema: TokenInfo,
    secrets: [accessToken],
  });
}

/** Expiry from getTokenInfo when the server reports one (seconds left, or an epoch in s or ms). */
export function tokenInfoExpiry(info: TokenInfo, now: number): number | undefined {
  const left = info.expires_in ?? info.expiresIn;
  if (left != null) return now + left * 1000;
  const at = info.expires_at ?? info.expiresAt;
  if (at == null) return undefined;
  return at < 1e12 ? at * 1000 : at;
}

/**
 * Completes a user token with its user and enterprise: from the grant when it says, else getTokenInfo
 * (user) and getEnterpriseProfile (enterprise). The enterprise of a user never changes, so a previous
 * grant's is reused and the profile call happens once per connection.
 */
async function withEnterprise(
  client: BlueJeansClient,
  grant: TokenGrant,
  userId: string | undefined | null,
  enterpriseId: string | undefined | null,
  previous: TokenGrant | null,
): Promise<TokenGrant> {
  let user = userId ?? previous?.userId;
  if (!user) {
    const info = await tokenInfo(client, grant.accessToken);
    user = info.user ?? info.scope?.user ?? undefined;
  }
  if (!user) throw badResponse({ operationId: 'getTokenInfo', reason: 'unexpected_shape' });
  grant.userId = user;
  if (previous?.enterpriseId && previous.userId === user) {
    grant.enterpriseId = previous.enterpriseId;
    grant.enterpriseAdmin = previous.enterpriseAdmin;
    return grant;
  }
  const profile = await enterpriseProfile(client, grant.accessToken, user);
  const eid = enterpriseId ?? profile.enterprise;
  if (!eid) {
    throw new ConnectorError(
      'auth',
      'not_enterprise_admin',
      'This BlueJeans account does not belong to an enterprise, so Seatwise has no licences to show. Connect with an enterprise administrator’s account.',
    );
  }
  grant.enterpriseId = eid;
  grant.enterpriseAdmin = profile.enterpriseAdmin ?? undefined;
  return grant;
}

/** The user's enterprise membership. */
export async function enterpriseProfile(client: BlueJeansClient, accessToken: string, userId: string) {
  // operationId: getEnterpriseProfile
  return client.call({
    operationId: 'getEnterpriseProfile',
    method: 'GET',
    path: `/v1/user/${encodeURIComponent(userId)}/enterprise_profile`,
    auth: { kind: 'bearer', token: accessToken },
    context: { call: 'data', method: undefined },
    schema: EnterpriseProfile,
  });
}

/** Exchanges a fresh authorization code (valid 30 s) for tokens, at once. */
export async function exchangeAuthorizationCode(
  client: BlueJeansClient,
  clock: Clock,
  input: { appKey: string; appSecret: string; code: string; redirectUri: string },
): Promise<TokenGrant> {
  const now = clock.now();
  // operationId: getTokenByCode
  const g = await client.call({
    operationId: 'getTokenByCode',
    method: 'POST',
    path: '/oauth2/token',
    body: {
      grant_type: 'authorization_code',
      client_id: input.appKey,
      client_secret: input.appSecret,
      code: input.code,
      redirectUri: input.redirectUri,
    },
    auth: { kind: 'none' },
    context: { call: 'grant', grant: 'authorization_code' },
    schema: GrantCode,
    secrets: [input.appSecret, input.code],
  });
  // Without a refresh token the connection would die within the hour: treat it as a broken answer.
  if (!g.refresh_token) throw badResponse({ operationId: 'getTokenByCode', reason: 'unexpected_shape' });
  const grant: TokenGrant = {
    accessToken: g.access_token,
    expiresAt: expiry(now, g.expires_in),
    obtainedAt: now,
    refreshToken: g.refresh_token,
  };
  return withEnterprise(client, grant, g.scope?.user, g.scope?.enterprise, null);
}
