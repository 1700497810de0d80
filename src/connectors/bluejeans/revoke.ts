/**
 * Ending every grant Seatwise holds at BlueJeans on Disconnect, each reported on its own:
 * - the granted application (3-legged only): `revokeGrantedApplication` removes the user's consent,
 *   which also ends its refresh tokens. It needs a live access token of that grant, so it goes first
 *   (minting one from the refresh token if the cached one is gone);
 * - the refresh token (3-legged only): the spec has no call of its own for it; it ends with the grant;
 * - the access token: `revokeAccessToken` (3-legged tokens name their client in the body).
 * Never throws; every failure becomes an outcome with a reason written for the admin (no secret).
 */
import type { Clock } from '../../lib/clock';
import type { ConnectorErrorCode, Credentials, RevocationOutcome, RevokeResult } from '../types';
import { ConnectorError } from '../types';
import { strategyFor, type TokenGrant, tokenInfo } from './auth';
import type { BlueJeansClient } from './client';

type OAuth = Extract<Credentials, { method: 'oauth' }>;

const NO_REFRESH: RevocationOutcome = {
  status: 'not_held',
  reason: 'This way of connecting has no refresh token.',
};

function noGrant(method: Credentials['method']): RevocationOutcome {
  if (method === 'client_credentials') {
    return {
      status: 'not_held',
      reason:
        'An App Key connection is your enterprise’s own OAuth app, not a user’s grant, so there is no granted application to remove. The App Key and App Secret still work at BlueJeans: delete or regenerate them under Admin > Group Settings > OAuth Access if nothing else uses them.',
    };
  }
  return { status: 'not_held', reason: 'This way of connecting grants no application.' };
}

/** Why a call failed, in words (the consequence is added by the caller). */
export function failureReason(err: ConnectorError): string {
  const codes: Partial<Record<ConnectorErrorCode, string>> = {
    unreachable: 'BlueJeans could not be reached',
    server_error: 'BlueJeans answered with a server error',
    rate_limited: 'BlueJeans asked Seatwise to slow down',
    bad_response: 'BlueJeans gave an answer Seatwise could not read',
    budget_exhausted: 'Seatwise ran out of requests for this attempt',
    token_busy: 'another sign-in was in progress',
  };
  const known = codes[err.code];
  if (known) return known;
  return err.status ? `BlueJeans refused the request (HTTP ${err.status})` : 'the request did not complete';
}

function failed(err: ConnectorError, consequence: string): RevocationOutcome {
  return { status: 'failed', code: err.code, reason: `${failureReason(err)}; ${consequence}` };
}

export function asConnectorError(e: unknown): ConnectorError {
  if (e instanceof ConnectorError) return e;
  return new ConnectorError('transient', 'unreachable', 'Seatwise could not finish talking to BlueJeans.');
}

/** Revokes an access token; a 400 is "probably already revoked" per the spec: the outcome wanted. */
async function revokeAccessToken(
  client: BlueJeansClient,
  c: Credentials,
  token: string,
): Promise<RevocationOutcome> {
  try {
    // operationId: revokeAccessToken (3-legged tokens also name their client, per RevokeRequestOAuth)
    await client.call({
      operationId: 'revokeAccessToken',
      method: 'DELETE',
      path: '/oauth2/token',
      query: { access_token: token },
      body: c.method === 'oauth' ? { client_id: c.appKey, client_secret: c.appSecret } : undefined,
      auth: { kind: 'none' },
      context: { call: 'revoke' },
      schema: null,
      secrets: [token, c.method === 'oauth' ? c.appSecret : undefined],
    });
    return { status: 'revoked' };
  } catch (e) {
    const err = asConnectorError(e);
    if (err.status === 400) return { status: 'revoked', reason: 'BlueJeans already had it revoked.' };
    return failed(err, 'it stays valid at BlueJeans until it expires (within the hour).');
  }
}

interface GrantOutcomes {
  live: TokenGrant | null;
  refreshToken: RevocationOutcome;
  grantedApplication: RevocationOutcome;
}

/** Removes the user's grant of the app, with the cached token or one minted from the refresh token. */
async function revokeGrant(
  client: BlueJeansClient,
  clock: Clock,
  c: OAuth,
  cached: TokenGrant | null,
): Promise<GrantOutcomes> {
  let live = cached && cached.expiresAt > clock.now() ? cached : null;
  if (!live) {
    try {
      live = await strategyFor(c, clock).mint(client, cached);
    } catch (e) {
      const err = asConnectorError(e);
      if (err.kind === 'auth') {
        return {
          live: null,
          refreshToken: {
            status: 'not_held',
            code: err.code,
            reason:
              'BlueJeans no longer accepted the refresh token: it had already been revoked or had expired.',
          },
          grantedApplication: {
            status: 'failed',
            code: err.code,
            reason:
              'Seatwise could no longer sign in to remove it (the refresh token no longer works). If Seatwise is still listed among the applications the BlueJeans user authorized, remove it there.',
          },
        };
      }
      const consequence =
        'the grant and its refresh token may still be valid at BlueJeans. Disconnecting again later cannot retry (the credentials are erased): remove Seatwise from the user’s authorized applications in BlueJeans.';
      return {
        live: null,
        refreshToken: failed(err, consequence),
        grantedApplication: failed(err, consequence),
      };
    }
  }
  try {
    const userId = live.userId ?? (await tokenInfo(client, live.accessToken)).user;
    if (!userId) throw new ConnectorError('permanent', 'bad_response', 'BlueJeans did not name the user.');
    // operationId: revokeGrantedApplication
    await client.call({
      operationId: 'revokeGrantedApplication',
      method: 'DELETE',
      path: `/v1/user/${encodeURIComponent(userId)}/granted_applications/${encodeURIComponent(c.appKey)}`,
      auth: { kind: 'bearer', token: live.accessToken },
      context: { call: 'revoke' },
      schema: null,
      secrets: [live.accessToken, live.refreshToken, c.refreshToken, c.appSecret],
    });
    return {
      live,
      grantedApplication: { status: 'revoked' },
      refreshToken: { status: 'revoked', reason: 'Ended with the granted application.' },
    };
  } catch (e) {
    const err = asConnectorError(e);
    if (err.status === 404) {
      return {
        live,
        grantedApplication: {
          status: 'not_held',
          reason: 'BlueJeans no longer listed this grant (it was already removed).',
        },
        refreshToken: { status: 'not_held', reason: 'It had already ended with the grant.' },
      };
    }
    const consequence =
      'the grant and its refresh token may still be valid at BlueJeans: remove Seatwise from the user’s authorized applications in BlueJeans.';
    return { live, grantedApplication: failed(err, consequence), refreshToken: failed(err, consequence) };
  }
}

/** Ends every grant the stored credentials and the cached token hold. */
export async function revokeAll(
  client: BlueJeansClient,
  clock: Clock,
  c: Credentials,
  cached: TokenGrant | null,
): Promise<RevokeResult> {
  if (c.method === 'access_token') {
    // A pasted token belongs to the person who made it; disconnecting Seatwise must not kill it elsewhere.
    return result({
      accessToken: {
        status: 'kept',
        reason:
          'A pasted personal token belongs to the person who created it and may be used elsewhere, so Seatwise did not revoke it. Revoke it in BlueJeans if it is no longer needed.',
      },
      refreshToken: NO_REFRESH,
      grantedApplication: noGrant(c.method),
    });
  }
  let live = cached && cached.expiresAt > clock.now() ? cached : null;
  let refreshToken = NO_REFRESH;
  let grantedApplication = noGrant(c.method);
  if (c.method === 'oauth') {
    const grant = await revokeGrant(client, clock, c, cached);
    live = grant.live;
    refreshToken = grant.refreshToken;
    grantedApplication = grant.grantedApplication;
  }
  const accessToken: RevocationOutcome = live
    ? await revokeAccessToken(client, c, live.accessToken)
    : {
        status: 'not_held',
        reason: 'Seatwise held no live access token (none had been minted yet, or the last one had expired).',
      };
  return result({ accessToken, refreshToken, grantedApplication });
}

function result(outcomes: Omit<RevokeResult, 'revoked' | 'error'>): RevokeResult {
  const firstFailure = [outcomes.grantedApplication, outcomes.refreshToken, outcomes.accessToken].find(
    (o) => o.status === 'failed',
  );
  return {
    revoked: outcomes.accessToken.status === 'revoked',
    ...(firstFailure?.code
      ? { error: new ConnectorError('transient', firstFailure.code, firstFailure.reason ?? '') }
      : {}),
    ...outcomes,
  };
}
