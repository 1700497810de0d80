import { hash, type Rng, rngFor, Salt } from '../lib/prng';
import { DAY_MS } from '../lib/time';
import { FIRST_NAMES, LAST_NAMES, MIDDLE_NAMES, TIMEZONES } from './names';

/** How a user shows up in meetings over the simulated window. */
export type Activity = 'regular' | 'dormant' | 'never';

/** One enterprise member, rebuilt from its index on demand. */
export interface SimUser {
  index: number;
  id: number;
  username: string;
  firstName: string;
  middleName?: string;
  lastName: string;
  email: string;
  isEnterpriseAdmin: boolean;
  joinedAt: number;
  /** Set when the user leaves the enterprise at a fixed time (listed before, gone after). */
  removedAt?: number;
  activity: Activity;
  /** Dormant users stop taking part in meetings at this time. */
  activeUntil: number;
  /** Relative share of hosting and attending; 0 for users who never meet. */
  weight: number;
  timezone: string;
  phone: string;
  personalMeetingId: string;
  featureGroups: string;
}

/** Inputs the directory needs; all times are epoch ms. */
export interface DirectoryConfig {
  seed: number;
  count: number;
  /** Midnight (UTC) of the day the data set is anchored to. */
  anchor: number;
  /** Start of the simulated meeting window. */
  windowStart: number;
  domain: string;
}

/** The demo administrator: always exists, never removed. */
export const DEMO_ADMIN = { index: 0, username: 'demo.admin', password: 'demo-admin-password' } as const;
/** The demo non-admin user: always exists, never removed. */
export const DEMO_USER = { index: 1, username: 'demo.user', password: 'demo-user-password' } as const;

const NAME_SPACE = FIRST_NAMES.length * LAST_NAMES.length;
// Coprime with NAME_SPACE, so index -> name pair is a bijection within each block of NAME_SPACE users.
const NAME_STRIDE = 7919;

/**
 * The enterprise's users. Records are generated from their index; only a few typed arrays (weights,
 * join/leave times) are kept so meeting generation can pick eligible hosts and participants fast.
 */
export class UserDirectory {
  readonly count: number;
  readonly idBase: number;
  private readonly cfg: DirectoryConfig;
  private readonly nameOffset: number;
  private readonly cdf: Float64Array;
  private readonly joinedAt: Float64Array;
  private readonly activeUntil: Float64Array;
  private readonly removedAt: Float64Array;
  private readonly weights: Float64Array;
  private readonly staticRemovals: { index: number; at: number }[];
  private readonly runtimeRemoved = new Set<number>();
  private runtimeVersion = 0;
  private removedCache: { key: string; indices: number[] } | null = null;

  constructor(cfg: DirectoryConfig) {
    this.cfg = cfg;
    this.count = Math.max(2, Math.floor(cfg.count));
    this.idBase = 1_000_000 + (hash(cfg.seed, Salt.user, 0x1d) % 8_000_000);
    this.nameOffset = hash(cfg.seed, Salt.user, 0x6e) % NAME_SPACE;
    this.cdf = new Float64Array(this.count);
    this.joinedAt = new Float64Array(this.count);
    this.activeUntil = new Float64Array(this.count);
    this.removedAt = new Float64Array(this.count);
    this.weights = new Float64Array(this.count);
    this.staticRemovals = [];
    let total = 0;
    for (let i = 0; i < this.count; i++) {
      const u = this.user(i);
      total += u.weight;
      this.cdf[i] = total;
      this.weights[i] = u.weight;
      this.joinedAt[i] = u.joinedAt;
      this.activeUntil[i] = u.activeUntil;
      this.removedAt[i] = u.removedAt ?? Number.POSITIVE_INFINITY;
      if (u.removedAt !== undefined) this.staticRemovals.push({ index: i, at: u.removedAt });
    }
    this.staticRemovals.sort((a, b) => a.at - b.at || a.index - b.index);
  }

  /** Builds user `index` (0 <= index < count). Pure: the same index always yields the same user. */
  user(index: number): SimUser {
    const { seed, anchor, windowStart, domain } = this.cfg;
    const rng = rngFor(seed, Salt.user, index);
    const k = (index * NAME_STRIDE + this.nameOffset) % NAME_SPACE;
    const block = Math.floor(index / NAME_SPACE);
    let firstName: string = FIRST_NAMES[k % FIRST_NAMES.length] ?? 'Alex';
    let lastName: string = LAST_NAMES[Math.floor(k / FIRST_NAMES.length)] ?? 'Doe';
    let username = `${firstName}.${lastName}${block > 0 ? block + 1 : ''}`.toLowerCase();
    const demo = index === DEMO_ADMIN.index ? DEMO_ADMIN : index === DEMO_USER.index ? DEMO_USER : null;
    if (demo) {
      firstName = 'Demo';
      lastName = index === DEMO_ADMIN.index ? 'Admin' : 'User';
      username = demo.username;
    }
    const middleName = rng.chance(0.15) ? rng.pick(MIDDLE_NAMES) : undefined;
    const isEnterpriseAdmin = index === DEMO_ADMIN.index || (demo === null && rng.chance(0.03));

    const threeYears = 3 * 365 * DAY_MS;
    const window = Math.max(DAY_MS, anchor - windowStart);
    // Most users joined before the window; some were hired during it (they cannot meet before joining).
    const joinDraw = rng.next();
    const joinedAt = demo
      ? windowStart - 2 * 365 * DAY_MS
      : joinDraw < 0.85
        ? windowStart - DAY_MS - Math.floor(rng.next() * threeYears)
        : windowStart + Math.floor(rng.next() * window);

    const activityDraw = rng.next();
    let activity: Activity = demo
      ? 'regular'
      : activityDraw < 0.08
        ? 'never'
        : activityDraw < 0.2
          ? 'dormant'
          : 'regular';
    let activeUntil = Number.POSITIVE_INFINITY;
    const dormantFor = (60 + Math.floor(rng.next() * 180)) * DAY_MS;
    if (activity === 'dormant') {
      activeUntil = anchor - dormantFor;
      if (activeUntil <= joinedAt) activity = 'never';
    }
    const weightDraw = rng.logNormal(1, 1);
    const weight =
      activity === 'never' ? 0 : index === DEMO_ADMIN.index ? Math.max(2, weightDraw) : weightDraw;

    // About 5% leave the enterprise: some before the anchor day, some in the week after it.
    const removalDraw = rng.next();
    const removalAt = windowStart + Math.floor(rng.next() * (window + 7 * DAY_MS));
    const removedAt = demo || removalDraw >= 0.05 ? undefined : Math.max(removalAt, joinedAt + DAY_MS);

    const timezone = rng.pick(TIMEZONES);
    const phone = `+1 ${rng.int(201, 989)} 555 ${String(rng.int(0, 9999)).padStart(4, '0')}`;
    const personalMeetingId = this.personalMeetingIdOf(index);
    const featureGroups = [
      'record',
      rng.chance(0.2) ? 'extended_capacity' : '',
      rng.chance(0.1) ? 'telepresence' : '',
    ]
      .filter(Boolean)
      .join(',');

    return {
      index,
      id: this.idBase + index,
      username,
      firstName,
      ...(middleName ? { middleName } : {}),
      lastName,
      email: `${username}@${domain}`,
      isEnterpriseAdmin,
      joinedAt,
      ...(removedAt !== undefined ? { removedAt } : {}),
      activity,
      activeUntil: activity === 'never' ? joinedAt : activeUntil,
      weight: activity === 'never' ? 0 : weight,
      timezone,
      phone,
      personalMeetingId,
      featureGroups,
    };
  }

  /** A user's personal meeting room id (10 digits, unique per user). */
  personalMeetingIdOf(index: number): string {
    return String(1_000_000_000 + ((index * 982_451_653 + this.nameOffset) % 8_999_999_999));
  }

  /** Index of a user id, or undefined when the id is not one of ours. */
  indexOfId(id: number): number | undefined {
    const index = id - this.idBase;
    return Number.isInteger(index) && index >= 0 && index < this.count ? index : undefined;
  }

  /** Index of a username (case-insensitive), scanning; used by the password grant only. */
  indexOfUsername(username: string): number | undefined {
    const wanted = username.trim().toLowerCase();
    if (wanted === DEMO_ADMIN.username) return DEMO_ADMIN.index;
    if (wanted === DEMO_USER.username) return DEMO_USER.index;
    for (let i = 0; i < this.count; i++) if (this.user(i).username === wanted) return i;
    return undefined;
  }

  /** Whether user `index` could take part in a meeting at time `t`. */
  eligibleAt(index: number, t: number): boolean {
    return (
      (this.weights[index] ?? 0) > 0 &&
      (this.joinedAt[index] ?? Number.POSITIVE_INFINITY) <= t &&
      t < (this.activeUntil[index] ?? 0) &&
      t < (this.removedAt[index] ?? 0)
    );
  }

  /**
   * Picks an eligible user at time `t`, weighted by activity, skipping `exclude`. Returns undefined
   * when nobody is eligible.
   */
  sampleEligible(rng: Rng, t: number, exclude?: ReadonlySet<number>): number | undefined {
    const total = this.cdf[this.count - 1] ?? 0;
    if (total <= 0) return undefined;
    let last = 0;
    for (let attempt = 0; attempt < 8; attempt++) {
      const r = rng.next() * total;
      let lo = 0;
      let hi = this.count - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((this.cdf[mid] ?? 0) <= r) lo = mid + 1;
        else hi = mid;
      }
      last = lo;
      if (this.eligibleAt(lo, t) && !exclude?.has(lo)) return lo;
    }
    // Rare windows (few eligible users) fall back to a probe so the choice still terminates.
    for (let step = 1; step < this.count; step++) {
      const i = (last + step) % this.count;
      if (this.eligibleAt(i, t) && !exclude?.has(i)) return i;
    }
    return undefined;
  }

  /** Whether user `index` is no longer in the enterprise at `now`. */
  isRemoved(index: number, now: number): boolean {
    return this.runtimeRemoved.has(index) || (this.removedAt[index] ?? Number.POSITIVE_INFINITY) <= now;
  }

  /**
   * Removes users now (runtime fault / control / removeUser). Returns the indices actually removed.
   * Churn and control spare the two demo accounts tests sign in with; `explicit` (the removeUser
   * endpoint) removes whoever it is asked to, as BlueJeans would.
   */
  removeNow(indices: readonly number[], explicit = false): number[] {
    const done: number[] = [];
    for (const i of indices) {
      if (i < 0 || i >= this.count) continue;
      if (!explicit && (i === DEMO_ADMIN.index || i === DEMO_USER.index)) continue;
      if (this.runtimeRemoved.has(i)) continue;
      this.runtimeRemoved.add(i);
      done.push(i);
    }
    if (done.length > 0) this.runtimeVersion++;
    return done;
  }

  /** Picks `count` present, removable users with the seeded PRNG `rng`. */
  pickRemovable(rng: Rng, count: number, now: number): number[] {
    const picked = new Set<number>();
    const removable = this.count - 2 - this.removedIndices(now).length;
    const target = Math.min(count, Math.max(0, removable));
    while (picked.size < target) {
      const i = rng.int(2, this.count - 1);
      if (!this.isRemoved(i, now)) picked.add(i);
    }
    return [...picked];
  }

  /** Forgets runtime removals (reset). */
  clearRuntimeRemovals(): void {
    this.runtimeRemoved.clear();
    this.runtimeVersion++;
  }

  /** Sorted indices of users not listed at `now`. */
  removedIndices(now: number): number[] {
    let staticCount = 0;
    while (staticCount < this.staticRemovals.length && (this.staticRemovals[staticCount]?.at ?? 0) <= now) {
      staticCount++;
    }
    const key = `${staticCount}:${this.runtimeVersion}`;
    if (this.removedCache?.key === key) return this.removedCache.indices;
    const set = new Set(this.runtimeRemoved);
    for (let k = 0; k < staticCount; k++) {
      const r = this.staticRemovals[k];
      if (r) set.add(r.index);
    }
    const indices = [...set].sort((a, b) => a - b);
    this.removedCache = { key, indices };
    return indices;
  }

  /** Users listed at `now`. */
  presentCount(now: number): number {
    return this.count - this.removedIndices(now).length;
  }
}
