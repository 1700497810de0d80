/**
 * The Connector contract: how Seatwise talks to a video-conferencing vendor.
 *
 * Routes and the sync engine only see this file. A second vendor (Zoom, Webex)
 * implements the same interfaces in its own folder; nothing above it changes.
 *
 * - `verify(credentials)` proves the credentials work for an enterprise admin
 *   before anything is saved, and returns who the account is.
 * - Every failure is a `ConnectorError` with a `kind` the caller acts on:
 *   `auth` -> the connection needs reauth (show Reconnect);
 *   `transient` -> retry later with backoff;
 *   `permanent` -> skip the record/request and report it;
 *   `budget` -> this invocation's request budget is spent: checkpoint, continue in a new slice.
 *   Its `message` is written for the admin (what to do), and never contains a secret.
 * - Streams are resumable iterators: every page yields its records with the
 *   cursor to resume *after* that page, so a crash loses at most one page of work.
 *
 * How the pieces are used (the lifecycle):
 * 1. Connect: `verify(credentials)` (form flow) or `authorizeUrl()` then `exchangeCode()` (OAuth
 *    popup flow; the `state` is signed, stored, single-use and expires). The caller seals and saves the
 *    returned credentials; the connector never writes the `connections` row.
 * 2. Sync: `session(connection, { budget, limiter })` for one stored connection. The session mints or
 *    refreshes tokens itself (cached sealed in `connection_tokens`, one mint at a time per connection
 *    across processes via the `token:<id>` lease) and exposes the vendor's streams. Pass one `RateLimiter`
 *    per connection (all of its streams share it) and one `RequestBudget` per invocation.
 * 3. Budget: when the budget is spent, a stream THROWS `ConnectorError` kind `budget` whose `cursor` is
 *    where to resume (the start of the page it could not finish, or the cursor it was started with).
 *    Pages already yielded are complete; a stream that ends normally has yielded a last page with
 *    `next: null`.
 * 4. Disconnect: `revoke(connection)` is best-effort and never throws; it reports what happened.
 */

import type { RequestBudget } from '../lib/request-budget';
import type { RateLimiter } from '../lib/token-bucket';

/** fetch as a dependency (no globals): the simulator's app.fetch in tests, global fetch in production. */
export type FetchLike = (input: Request | string | URL, init?: RequestInit) => Promise<Response>;

/** The ways an admin can connect an account. */
export type Credentials =
  | { method: 'client_credentials'; appKey: string; appSecret: string }
  | { method: 'oauth'; appKey: string; appSecret: string; refreshToken: string; scope?: string }
  | { method: 'password'; username: string; password: string }
  | { method: 'access_token'; accessToken: string };

export type ConnectMethod = Credentials['method'];

export type ConnectorErrorKind = 'auth' | 'transient' | 'permanent' | 'budget';

/** Stable codes the UI maps to a field and an action. */
export type ConnectorErrorCode =
  | 'invalid_credentials'
  | 'oauth_access_disabled'
  | 'not_enterprise_admin'
  | 'token_expired'
  | 'token_revoked'
  | 'unreachable'
  | 'bad_response'
  | 'rate_limited'
  | 'server_error'
  | 'not_found'
  | 'bad_request'
  | 'budget_exhausted'
  /** OAuth `state` failed its signature, belongs elsewhere or is unknown. */
  | 'state_invalid'
  | 'state_expired'
  /** OAuth `state` was already used once (a replayed callback). */
  | 'state_replayed'
  /** The OAuth authorization code was refused (used twice, or older than its 30 seconds). */
  | 'code_invalid'
  /** Another worker is minting this connection's token and did not finish in time. */
  | 'token_busy';

export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';
  constructor(
    readonly kind: ConnectorErrorKind,
    readonly code: ConnectorErrorCode,
    /** Written for the admin: what went wrong and what to do. Never holds a secret. */
    message: string,
    readonly options: {
      status?: number;
      field?: string;
      retryAfterMs?: number;
      cause?: unknown;
      /** For kind `budget`: the stream cursor to resume from in the next slice. */
      cursor?: unknown;
    } = {},
  ) {
    super(message, { cause: options.cause });
  }
  get status(): number | undefined {
    return this.options.status;
  }
  /** The form field the message belongs next to (e.g. `appSecret`), when there is one. */
  get field(): string | undefined {
    return this.options.field;
  }
  /** How long the vendor asked us to wait (Retry-After), when it did. */
  get retryAfterMs(): number | undefined {
    return this.options.retryAfterMs;
  }
  /** For kind `budget`: where the interrupted stream resumes. */
  get cursor(): unknown {
    return this.options.cursor;
  }
}

/** What a successful verification learned about the account. */
export interface AccountInfo {
  enterpriseId: string;
  enterpriseName?: string;
  /** Who connected: the app key, the username, or the token's user. Not secret. */
  accountLabel: string;
  /** When the credentials themselves stop working (pasted tokens, refresh tokens), if known. */
  credentialsExpireAt?: number;
}

/**
 * How far through its listing a page is, from what the API said (each field absent when it said nothing):
 * shown as the sync's progress, never used to decide when a listing ends.
 */
export interface PageProgress {
  /** Records the whole listing holds (a full listing's `count`). */
  total?: number;
  /** This page's number (1-based) and how many pages the listing, or the current window, has. */
  page?: number;
  pagesTotal?: number;
  /** Whole days of the walk's range covered once this page is stored, and all its days. */
  daysDone?: number;
  daysTotal?: number;
}

/** A page of records plus the cursor that resumes after it. */
export interface Page<T, C> {
  records: T[];
  /** Records present but missing what Seatwise needs: skipped and counted, never fatal. */
  skipped: number;
  /** Resume point after this page; `null` when the listing is complete. */
  next: C | null;
  progress?: PageProgress;
  /** The enterprise's display name, when the records carry it (Command Center meetings do). */
  enterpriseName?: string;
}

export type { RateLimiter, RequestBudget };

/** A connection as stored: ids (sealing and caching are bound to them) plus its unsealed credentials. */
export interface StoredConnection {
  id: string;
  orgId: string;
  credentials: Credentials;
  /** Learned at verify time; saves a lookup when known. */
  enterpriseId?: string | null;
}

/** A half-open time range `[from, to)` in epoch milliseconds. */
export interface TimeRange {
  from: number;
  to: number;
}

/** Turns a stream's cursor into checkpoint text and back (decoding validates; it throws on garbage). */
export interface CursorCodec<C> {
  encode(cursor: C): string;
  decode(text: string): C;
}

/** One resumable listing. */
export interface Stream<T, C> {
  readonly name: string;
  /** `full`: the whole listing every run (absent records are removed); `incremental`: a time range. */
  readonly mode: 'full' | 'incremental';
  readonly cursor: CursorCodec<C>;
  /**
   * Pages from the beginning, or after `cursor`. Every page carries the cursor to resume after it; the
   * last one has `next: null`. Throws `ConnectorError` (kind `budget` carries the resume cursor).
   */
  start(cursor?: C | null): AsyncGenerator<Page<T, C>, void, undefined>;
}

/** Per-invocation knobs for a session. */
export interface SessionOptions {
  /** Shared by every request of this invocation (token requests and retries count). Unlimited if absent. */
  budget?: RequestBudget;
  /** Shared by every stream of this connection; the connector keeps one per connection if absent. */
  limiter?: RateLimiter;
}

/** What a session offers every vendor; vendors add their typed streams. */
export interface ConnectorSession {
  readonly connectionId: string;
  /** The vendor account id (BlueJeans: the enterprise id); may mint a token. */
  accountId(): Promise<string>;
}

export interface AuthorizeInput {
  orgId: string;
  /** The connection being (re)connected, if it exists already. */
  connectionId?: string | null;
  /** Where the vendor sends the browser back; must be registered with the OAuth app. */
  redirectUri: string;
  /** The OAuth client id (App Key) to authorize with. */
  appKey: string;
  /** Vendor scopes; the connector's defaults when absent. */
  scopes?: readonly string[];
}

export interface AuthorizeResult {
  url: string;
  /** The signed state embedded in `url` (also stored; single-use). */
  state: string;
  expiresAt: number;
}

export interface ExchangeInput {
  /** The organization whose session received the callback; must match the state's. */
  orgId: string;
  state: string;
  code: string;
  appKey: string;
  appSecret: string;
}

export interface ExchangeResult {
  credentials: Extract<Credentials, { method: 'oauth' }>;
  account: AccountInfo;
  connectionId: string | null;
  redirectUri: string;
}

/**
 * What became of one grant Seatwise held when it asked the vendor to end it:
 * - `revoked`: the vendor confirmed (or said it was already gone);
 * - `not_held`: there was nothing to revoke (this sign-in method has none, none was minted, or the
 *   vendor had already ended it), `reason` says which;
 * - `kept`: deliberately not revoked (a pasted personal token belongs to the person who made it);
 * - `failed`: the vendor could not be asked or refused; it may still be valid there.
 * `reason` is written for the admin and never holds a secret.
 */
export interface RevocationOutcome {
  status: 'revoked' | 'not_held' | 'kept' | 'failed';
  reason?: string;
  code?: ConnectorErrorCode;
}

/** `revoke` never throws: it reports each grant (access token, refresh token, granted application). */
export interface RevokeResult {
  /** Whether the access token was revoked (what callers asked before the other grants were reported). */
  revoked: boolean;
  /** The first failure, if any. */
  error?: ConnectorError;
  accessToken: RevocationOutcome;
  refreshToken: RevocationOutcome;
  grantedApplication: RevocationOutcome;
}

/** A vendor connector. Routes and the sync engine depend on this interface only. */
export interface Connector<S extends ConnectorSession = ConnectorSession> {
  readonly vendor: string;
  readonly methods: readonly ConnectMethod[];
  /** Proves the credentials can read enterprise data; throws an actionable `ConnectorError`. */
  verify(credentials: Credentials): Promise<AccountInfo>;
  /**
   * Best-effort revocation on disconnect of every grant Seatwise holds (access token, refresh token, the
   * user's grant of the app where the vendor offers it); also forgets the cached token.
   */
  revoke(connection: StoredConnection): Promise<RevokeResult>;
  /** Starts the OAuth (3-legged) flow: stores a single-use signed state and builds the vendor URL. */
  authorizeUrl(input: AuthorizeInput): Promise<AuthorizeResult>;
  /** Finishes it: consumes the state, exchanges the code at once and verifies the account. */
  exchangeCode(input: ExchangeInput): Promise<ExchangeResult>;
  /** Streams and tokens for one stored connection, for one invocation. */
  session(connection: StoredConnection, options?: SessionOptions): S;
}
