/**
 * Seeded hashing and a small counter-based PRNG.
 *
 * Every generated value derives from `(seed, salt, ...index)`, so any record can be rebuilt from its
 * index alone: that is what lets the simulator serve a million meetings without holding them.
 */

/** Murmur3's 32-bit finaliser: a cheap, well-mixed bijection on 32-bit integers. */
export function mix32(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Hashes any number of integers (up to 2^53) into one unsigned 32-bit value. */
export function hash(...parts: number[]): number {
  let h = 0x2545f491;
  for (const part of parts) {
    const lo = part >>> 0;
    // The high word keeps large values (epoch ms, counters past 2^32) from colliding with small ones.
    const hi = Math.floor(part / 4294967296) >>> 0;
    h = mix32((h ^ lo) + 0x9e3779b9);
    h = mix32((h ^ hi) + 0x7f4a7c15);
  }
  return h;
}

/** A uniform float in [0, 1) derived from the parts. */
export function unit(...parts: number[]): number {
  return hash(...parts) / 4294967296;
}

/** Streams that must never share values get their own salt. */
export const Salt = {
  enterprise: 1,
  user: 2,
  day: 3,
  meetingShape: 4,
  meeting: 5,
  participants: 6,
  late: 7,
  fault: 8,
  token: 9,
  code: 10,
  removal: 11,
  uuid: 12,
  within: 13,
  presentation: 14,
} as const;

/** A deterministic PRNG: a Weyl sequence through `mix32` (SplitMix-style), so draws are independent. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x9e3779b9) >>> 0;
    return mix32(this.state ^ 0x5bd1e995) / 4294967296;
  }

  /** A uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick() needs a non-empty array');
    return item;
  }

  /** A standard normal draw (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    const v = this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** A log-normal draw with the given median; `sigma` widens the tail. */
  logNormal(median: number, sigma: number): number {
    return median * Math.exp(sigma * this.normal());
  }

  /** `length` lowercase hex digits. */
  hex(length: number): string {
    let out = '';
    while (out.length < length)
      out += (mix32(Math.floor(this.next() * 4294967296)) >>> 0).toString(16).padStart(8, '0');
    return out.slice(0, length);
  }
}

/** A PRNG seeded from the hash of the parts. */
export function rngFor(...parts: number[]): Rng {
  return new Rng(hash(...parts));
}
