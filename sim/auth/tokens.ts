import { hash, Salt } from '../lib/prng';

/** What kind of grant minted a token; it decides what the token may reach. */
export type TokenKind = 'app' | 'user' | 'three-legged';

/** An issued access token and what it stands for. */
export interface TokenRecord {
  accessToken: string;
  kind: TokenKind;
  /** Set for app tokens and 3-legged tokens (the client that asked). */
  appKey?: string;
  /** Set for user and 3-legged tokens. */
  userIndex?: number;
  /** 3-legged scopes (list_meetings, meeting_history, user_info, ...); empty for other kinds. */
  scopes: string[];
  issuedAt: number;
  expiresAt: number;
  revoked: boolean;
  refreshToken?: string;
}

/** A refresh token of the 3-legged flow; single use (each refresh rotates it). */
export interface RefreshRecord {
  refreshToken: string;
  appKey: string;
  userIndex: number;
  scopes: string[];
  expiresAt: number;
  used: boolean;
  /** Set when the user revoked the app's grant (revokeGrantedApplication). */
  revoked?: boolean;
}

/** Refresh tokens outlive access tokens by far; 30 days like most OAuth providers. */
export const REFRESH_TTL_MS = 30 * 24 * 3600 * 1000;

/**
 * Issued tokens. Values come from the seed and an issue counter, so a replayed run hands out the
 * same tokens in the same order.
 */
export class TokenStore {
  private readonly seed: number;
  private readonly tokens = new Map<string, TokenRecord>();
  private readonly refresh = new Map<string, RefreshRecord>();
  private counter = 0;

  constructor(seed: number) {
    this.seed = seed;
  }

  private mint(): string {
    this.counter++;
    let out = '';
    for (let k = 0; k < 4; k++)
      out += hash(this.seed, Salt.token, this.counter, k).toString(16).padStart(8, '0');
    return out;
  }

  /** Issues an access token (and a refresh token when asked). */
  issue(
    fields: { kind: TokenKind; appKey?: string; userIndex?: number; scopes?: string[] },
    now: number,
    ttlSeconds: number,
    withRefresh = false,
  ): TokenRecord {
    this.prune(now);
    const record: TokenRecord = {
      accessToken: this.mint(),
      kind: fields.kind,
      ...(fields.appKey !== undefined ? { appKey: fields.appKey } : {}),
      ...(fields.userIndex !== undefined ? { userIndex: fields.userIndex } : {}),
      scopes: fields.scopes ?? [],
      issuedAt: now,
      expiresAt: now + ttlSeconds * 1000,
      revoked: false,
    };
    if (withRefresh && fields.appKey !== undefined && fields.userIndex !== undefined) {
      const refreshToken = this.mint();
      record.refreshToken = refreshToken;
      this.refresh.set(refreshToken, {
        refreshToken,
        appKey: fields.appKey,
        userIndex: fields.userIndex,
        scopes: record.scopes,
        expiresAt: now + REFRESH_TTL_MS,
        used: false,
      });
    }
    this.tokens.set(record.accessToken, record);
    return record;
  }

  /** The record of an access token, whatever its state. */
  get(accessToken: string): TokenRecord | undefined {
    return this.tokens.get(accessToken);
  }

  /** The record of a refresh token, whatever its state. */
  getRefresh(refreshToken: string): RefreshRecord | undefined {
    return this.refresh.get(refreshToken);
  }

  /** Revokes every token (and refresh token) issued to an app. */
  revokeApp(appKey: string): number {
    let n = 0;
    for (const t of this.tokens.values()) {
      if (t.appKey === appKey && !t.revoked) {
        t.revoked = true;
        n++;
      }
    }
    for (const r of this.refresh.values()) if (r.appKey === appKey) r.used = true;
    return n;
  }

  /** Ends a user's grant to an app: its 3-legged access tokens and refresh tokens stop working. */
  revokeGrant(userIndex: number, appKey: string): { accessTokens: number; refreshTokens: number } {
    let accessTokens = 0;
    let refreshTokens = 0;
    for (const t of this.tokens.values()) {
      if (t.kind === 'three-legged' && t.userIndex === userIndex && t.appKey === appKey && !t.revoked) {
        t.revoked = true;
        accessTokens++;
      }
    }
    for (const r of this.refresh.values()) {
      if (r.userIndex === userIndex && r.appKey === appKey && !r.revoked) {
        if (!r.used) refreshTokens++;
        r.revoked = true;
        r.used = true;
      }
    }
    return { accessTokens, refreshTokens };
  }

  /** Forgets everything (reset). The counter restarts too, so a reset run replays exactly. */
  clear(): void {
    this.tokens.clear();
    this.refresh.clear();
    this.counter = 0;
  }

  /** Number of access tokens ever issued since the last reset. */
  issued(): number {
    return this.counter;
  }

  private prune(now: number): void {
    // Keep memory bounded in long runs; expired records only matter for "expired" vs "unknown" wording.
    if (this.tokens.size < 50_000) return;
    for (const [k, t] of this.tokens) if (t.expiresAt + 3600_000 < now) this.tokens.delete(k);
    for (const [k, r] of this.refresh) if (r.expiresAt < now || r.used) this.refresh.delete(k);
  }
}
