import { rngFor, Salt } from './lib/prng';

/** Fault knobs; all can change at run time through `control.setFaults` or `POST /__sim/faults`. */
export interface FaultSettings {
  /** Requests per second per caller (app or user); 0 turns the limit off. */
  rateLimit: number;
  /** Share (0..1) of data requests answered with a 5xx. */
  faultRate: number;
  /** Added to every API request. */
  latencyMs: number;
  /** Share (0..1) of successful data responses whose JSON body is truncated or malformed. */
  malformedRate: number;
  /** Meetings show up in listings up to this long after they end (each meeting its own share). */
  lateArrivalMinutes: number;
  /** Lifetime of newly issued access tokens. */
  tokenTtlSeconds: number;
  /** Users removed each time a new user listing starts (page 1), simulating churn between listings. */
  removeUsersPerListing: number;
  /** The enterprise's OAuth Access tab is off: client-credential grants are refused. */
  oauthAccessDisabled: boolean;
}

/** How a 5xx fault looks on the wire. */
export type ServerErrorKind = 'json-500' | 'json-503' | 'html-502' | 'text-504';
/** How a malformed body looks. */
export type MalformedKind = 'truncated' | 'garbage';

/** The seeded decision for one request. */
export interface FaultDecision {
  serverError?: ServerErrorKind;
  malformed?: MalformedKind;
}

const SERVER_ERRORS: readonly ServerErrorKind[] = ['json-500', 'json-503', 'html-502', 'text-504'];

/**
 * Seeded fault decisions and the rate limiter. Each API request takes the next sequence number and
 * its faults are a pure function of (seed, sequence number, settings): a failing run replays exactly.
 */
export class FaultController {
  private readonly seed: number;
  private readonly initial: FaultSettings;
  private current: FaultSettings;
  private sequence = 0;
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly listings = new Map<string, number>();

  constructor(seed: number, initial: FaultSettings) {
    this.seed = seed;
    this.initial = { ...initial };
    this.current = { ...initial };
  }

  /** Current settings (a copy). */
  settings(): FaultSettings {
    return { ...this.current };
  }

  /** Merges a partial update, clamping values into range; returns the new settings. */
  update(partial: Partial<FaultSettings>): FaultSettings {
    const next = { ...this.current, ...partial };
    this.current = normalizeFaults(next);
    if (partial.rateLimit !== undefined) this.buckets.clear();
    return this.settings();
  }

  /** Back to the options the simulator was created with; the sequence restarts. */
  reset(): void {
    this.current = { ...this.initial };
    this.sequence = 0;
    this.buckets.clear();
    this.listings.clear();
  }

  /** Takes the next request sequence number. */
  next(): number {
    return ++this.sequence;
  }

  /** Counts a new listing of `key`; true when an earlier one exists (churn happens between listings). */
  listingStarted(key: string): boolean {
    const n = this.listings.get(key) ?? 0;
    this.listings.set(key, n + 1);
    return n > 0;
  }

  /** The faults for request `seq` of a data endpoint. */
  decide(seq: number): FaultDecision {
    const rng = rngFor(this.seed, Salt.fault, seq);
    const errorDraw = rng.next();
    const malformedDraw = rng.next();
    const kindDraw = rng.next();
    if (errorDraw < this.current.faultRate) {
      return { serverError: SERVER_ERRORS[Math.floor(kindDraw * SERVER_ERRORS.length)] ?? 'json-500' };
    }
    if (malformedDraw < this.current.malformedRate)
      return { malformed: kindDraw < 0.6 ? 'truncated' : 'garbage' };
    return {};
  }

  /** A seeded PRNG for request `seq` (e.g. to pick users to remove). */
  rngFor(seq: number, stream: number): ReturnType<typeof rngFor> {
    return rngFor(this.seed, Salt.fault, seq, stream);
  }

  /**
   * Token bucket per caller: `rateLimit` tokens per second, burst of the same size. Returns 0 when the
   * request may pass, else the whole seconds to wait (for Retry-After).
   */
  rateLimit(key: string, now: number): number {
    const rate = this.current.rateLimit;
    if (!(rate > 0)) return 0;
    const capacity = Math.max(1, rate);
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now };
    const refilled = Math.min(capacity, bucket.tokens + (Math.max(0, now - bucket.at) / 1000) * rate);
    if (refilled >= 1) {
      this.buckets.set(key, { tokens: refilled - 1, at: now });
      return 0;
    }
    this.buckets.set(key, { tokens: refilled, at: now });
    return Math.max(1, Math.ceil((1 - refilled) / rate));
  }
}

/** Clamps fault settings into their valid ranges. */
export function normalizeFaults(f: FaultSettings): FaultSettings {
  const share = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
  const nonNegative = (x: number) => (Number.isFinite(x) ? Math.max(0, x) : 0);
  return {
    rateLimit: nonNegative(f.rateLimit),
    faultRate: share(f.faultRate),
    latencyMs: nonNegative(f.latencyMs),
    malformedRate: share(f.malformedRate),
    lateArrivalMinutes: nonNegative(f.lateArrivalMinutes),
    tokenTtlSeconds: Math.max(1, Math.floor(nonNegative(f.tokenTtlSeconds)) || 1),
    removeUsersPerListing: Math.floor(nonNegative(f.removeUsersPerListing)),
    oauthAccessDisabled: Boolean(f.oauthAccessDisabled),
  };
}

/** Rewrites a successful JSON body into a broken one, the way a flaky proxy or server would. */
export function corruptBody(body: string, kind: MalformedKind): string {
  if (kind === 'truncated') return body.slice(0, Math.max(1, Math.floor(body.length / 2)));
  // Valid-looking start, then a token no JSON parser accepts.
  return `${body.slice(0, Math.max(1, Math.floor(body.length / 3)))},]NaN}`;
}
