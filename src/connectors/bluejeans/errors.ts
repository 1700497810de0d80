/**
 * Every BlueJeans failure as a ConnectorError whose message tells the admin what to do.
 *
 * Messages never quote the vendor's error text or a URL: both can echo what we sent (a token in a query
 * string, a secret in a body). The vendor's words go into `cause` only after `redact` removed every secret
 * the request carried.
 */
import type { ConnectMethod } from '../types';
import { ConnectorError } from '../types';
import type { ErrorBody } from './schemas';

/** Which call failed decides what a status means (a 401 from the token endpoint is not a 401 on data). */
export type CallContext =
  | { call: 'grant'; grant: 'client_credentials' | 'password' | 'authorization_code' | 'refresh_token' }
  | { call: 'token_info' }
  | { call: 'data'; method: ConnectMethod | undefined }
  | { call: 'revoke' };

/** What a failure looked like on the wire, for `cause` (already redacted). */
export interface FailureCause {
  operationId: string;
  status?: number;
  vendorMessage?: string;
  reason?: 'timeout' | 'network' | 'not_json' | 'unexpected_shape';
}

const SETUP = 'Admin > Group Settings > OAuth Access';

/** Replaces every secret occurrence in `text` and trims it to a readable length. */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  }
  // Anything that still looks like a bearer token or a query-string token goes too.
  out = out.replace(/(access_token|refresh_token|client_secret|password|code)=([^&\s"]+)/gi, '$1=[redacted]');
  out = out.replace(/Bearer\s+\S+/gi, 'Bearer [redacted]');
  return out.length > 300 ? `${out.slice(0, 300)}…` : out;
}

/** The vendor said OAuth Access is off for the enterprise (wording varies; status 403 at the token endpoint). */
function saysOAuthDisabled(body: ErrorBody | undefined): boolean {
  const m = `${body?.message ?? ''} ${body?.code ?? ''}`.toLowerCase();
  return /oauth/.test(m) && /(not enabled|disabled|not allowed|not activated|enable)/.test(m);
}

/** Whether the vendor blamed the client id rather than the secret. */
function blamesKey(body: ErrorBody | undefined): boolean {
  const m = `${body?.message ?? ''} ${body?.code ?? ''}`.toLowerCase();
  // "Invalid client credentials" blames neither: only an explicit unknown id/key points at the App Key.
  return /(client[_ ]?id\b|app[_ ]?key|unknown client|client not found|no such client)/.test(m);
}

/** Maps a non-retryable HTTP status to the admin-facing error for that kind of call. */
export function statusError(
  ctx: CallContext,
  status: number,
  body: ErrorBody | undefined,
  cause: FailureCause,
): ConnectorError {
  const o = { status, cause };
  if (ctx.call === 'grant') {
    switch (ctx.grant) {
      case 'client_credentials':
        if (status === 403 || saysOAuthDisabled(body)) return oauthDisabled(o);
        if (status === 400 || status === 401 || status === 404) {
          return blamesKey(body)
            ? new ConnectorError(
                'auth',
                'invalid_credentials',
                `BlueJeans does not recognise this App Key. Copy it again from ${SETUP} in BlueJeans.`,
                { ...o, field: 'appKey' },
              )
            : new ConnectorError(
                'auth',
                'invalid_credentials',
                `BlueJeans did not accept this App Key and App Secret. Copy the secret again from ${SETUP}; if it was lost, regenerate it there (BlueJeans shows it only once).`,
                { ...o, field: 'appSecret' },
              );
        }
        break;
      case 'password':
        if (status === 403 && saysOAuthDisabled(body)) return oauthDisabled(o);
        if (status === 400 || status === 401 || status === 403) {
          return new ConnectorError(
            'auth',
            'invalid_credentials',
            'BlueJeans did not accept this username and password. Check them by signing in at bluejeans.com; accounts that sign in through single sign-on need an App Key instead.',
            { ...o, field: 'password' },
          );
        }
        break;
      case 'authorization_code':
        if (status === 400 || status === 401) {
          return new ConnectorError(
            'auth',
            'code_invalid',
            'BlueJeans did not complete the sign-in: its one-time code had expired (codes last 30 seconds) or was already used. Click "Sign in with BlueJeans" again.',
            o,
          );
        }
        if (status === 403) return oauthDisabled(o);
        break;
      case 'refresh_token':
        if (status === 400 || status === 401 || status === 403) {
          return new ConnectorError(
            'auth',
            'token_revoked',
            'BlueJeans no longer accepts the sign-in Seatwise holds for this account (it was revoked or has expired). Click Reconnect and sign in with BlueJeans again.',
            o,
          );
        }
        break;
    }
  }
  if (ctx.call === 'token_info' && (status === 400 || status === 401 || status === 403 || status === 404)) {
    return tokenExpired(o);
  }
  if (status === 401) {
    if (ctx.call === 'data' && ctx.method === 'access_token') return tokenExpired(o);
    return new ConnectorError(
      'auth',
      'token_revoked',
      'BlueJeans rejected the access Seatwise holds for this account, even after signing in again. The App Key or login may have been changed or removed: click Reconnect.',
      o,
    );
  }
  if (status === 403) {
    if (ctx.call === 'data' && ctx.method === 'oauth' && /scope/i.test(body?.message ?? '')) {
      return new ConnectorError(
        'auth',
        'invalid_credentials',
        'The BlueJeans sign-in did not grant Seatwise every permission it needs (meeting history, meetings, user info). Click Reconnect and allow all of them.',
        o,
      );
    }
    if (ctx.call === 'data') return notAdmin(o, ctx.method);
    return new ConnectorError(
      'auth',
      'invalid_credentials',
      'BlueJeans refused this request for the connected account. Click Reconnect with an enterprise administrator account.',
      o,
    );
  }
  if (status === 404) {
    return new ConnectorError(
      'permanent',
      'not_found',
      'BlueJeans could not find this enterprise or record. If your enterprise changed, click Reconnect.',
      o,
    );
  }
  return new ConnectorError(
    'permanent',
    'bad_request',
    `BlueJeans refused a request from Seatwise (HTTP ${status}). This is likely a Seatwise problem and has been recorded; the rest of the sync continues.`,
    o,
  );
}

function oauthDisabled(o: { status?: number; cause: FailureCause }): ConnectorError {
  return new ConnectorError(
    'auth',
    'oauth_access_disabled',
    `OAuth Access is not enabled for your BlueJeans enterprise, so App Keys cannot sign in yet. Ask BlueJeans support to enable the OAuth Access tab (${SETUP}); their live chat is the fastest way, as the setup guide says. Then try again.`,
    { ...o, field: 'appKey' },
  );
}

/** The account can sign in but cannot read enterprise data. */
export function notAdmin(
  o: { status?: number; cause?: unknown },
  method: ConnectMethod | undefined,
): ConnectorError {
  const field = method === 'client_credentials' ? 'appKey' : method === 'password' ? 'username' : undefined;
  return new ConnectorError(
    'auth',
    'not_enterprise_admin',
    'This BlueJeans account is not an enterprise administrator, so it cannot read your enterprise’s users and meetings. Connect with an enterprise administrator’s App Key or login.',
    { ...o, field },
  );
}

/** A pasted personal access token that stopped working. */
export function tokenExpired(o: { status?: number; cause?: unknown }): ConnectorError {
  return new ConnectorError(
    'auth',
    'token_expired',
    'This BlueJeans access token has expired or was revoked. Create a new token in BlueJeans and paste it here.',
    { ...o, field: 'accessToken' },
  );
}

/** No answer (network failure or timeout), after retries. */
export function unreachable(cause: FailureCause, timeoutMs: number): ConnectorError {
  const how =
    cause.reason === 'timeout'
      ? `did not answer within ${Math.round(timeoutMs / 1000)} seconds`
      : 'could not be reached';
  return new ConnectorError(
    'transient',
    'unreachable',
    `BlueJeans ${how}. Check that BlueJeans is up and this server can reach it; Seatwise will try again.`,
    { cause },
  );
}

/** A body that is not JSON, or JSON of the wrong shape, after retries. */
export function badResponse(cause: FailureCause, status?: number): ConnectorError {
  return new ConnectorError(
    'transient',
    'bad_response',
    'BlueJeans answered with something that is not the data Seatwise expects. Seatwise will try again; if this keeps happening, the BlueJeans API may have changed.',
    { cause, status },
  );
}

/** 429 after retries (or a Retry-After beyond the wait cap). */
export function rateLimited(cause: FailureCause, retryAfterMs: number | undefined): ConnectorError {
  return new ConnectorError(
    'transient',
    'rate_limited',
    'BlueJeans asked Seatwise to slow down. The sync pauses and continues automatically.',
    { cause, status: 429, retryAfterMs },
  );
}

/** 5xx after retries. */
export function serverError(cause: FailureCause, status: number, retryAfterMs?: number): ConnectorError {
  return new ConnectorError(
    'transient',
    'server_error',
    `BlueJeans is having trouble right now (HTTP ${status}). Seatwise will try again automatically.`,
    { cause, status, retryAfterMs },
  );
}

/** This invocation's request budget is spent; `cursor` says where the stream resumes. */
export function budgetExhausted(cursor?: unknown): ConnectorError {
  return new ConnectorError(
    'budget',
    'budget_exhausted',
    'This sync step used its request allowance; it continues in the next step.',
    { cursor },
  );
}

/** Re-raises a budget error with the stream's resume cursor attached. */
export function withCursor(err: ConnectorError, cursor: unknown): ConnectorError {
  return new ConnectorError(err.kind, err.code, err.message, { ...err.options, cursor });
}
