import { hash, rngFor, Salt } from '../lib/prng';
import type { MeetingTimeline, Slot } from './timeline';

const UUID_MASK_DAY = 0x5a3c;

/**
 * Meeting UUIDs that encode their slot: segment 2 is the masked day, the tail of segment 5 the rank
 * through a keyed Feistel permutation (so neighbours look unrelated), and segment 6 a checksum that
 * rejects UUIDs we never issued. A UUID or history GUID therefore leads back to its meeting in O(1).
 */
export class MeetingIds {
  private readonly seed: number;
  private readonly timeline: MeetingTimeline;

  constructor(seed: number, timeline: MeetingTimeline) {
    this.seed = seed;
    this.timeline = timeline;
  }

  private feistelRound(day: number, round: number, half: number): number {
    return hash(this.seed, Salt.uuid, day, round, half) & 0xffff;
  }

  /** A keyed bijection on 32 bits (4-round Feistel), so neighbouring meetings get unrelated UUIDs. */
  private scramble(j: number, day: number): number {
    let l = (j >>> 16) & 0xffff;
    let r = j & 0xffff;
    for (let round = 0; round < 4; round++) [l, r] = [r, l ^ this.feistelRound(day, round, r)];
    return ((l << 16) | r) >>> 0;
  }

  private unscramble(x: number, day: number): number {
    let l = (x >>> 16) & 0xffff;
    let r = x & 0xffff;
    for (let round = 3; round >= 0; round--) [l, r] = [r ^ this.feistelRound(day, round, l), l];
    return ((l << 16) | r) >>> 0;
  }

  /** The meeting's UUID: six hex segments. */
  uuidOf(slot: Slot): string {
    const rng = rngFor(this.seed, Salt.uuid, slot.day, slot.j);
    const daySeg = ((slot.day ^ UUID_MASK_DAY) & 0xffff).toString(16).padStart(4, '0');
    const jSeg = this.scramble(slot.j, slot.day).toString(16).padStart(8, '0');
    const check = (hash(this.seed, Salt.uuid, slot.day, slot.j) & 0xffff).toString(16).padStart(4, '0');
    return `${rng.hex(8)}-${daySeg}-${rng.hex(4)}-${rng.hex(4)}-${rng.hex(4)}${jSeg}-${check}`;
  }

  /** Recovers the slot of a UUID we issued (or of a history GUID's UUID part), else undefined. */
  slotOfUuid(uuid: string): { day: number; j: number } | undefined {
    const m =
      /^([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})([0-9a-f]{8})(?:-([0-9a-f]{4}))?$/.exec(
        uuid.toLowerCase(),
      );
    if (!m) return undefined;
    const low16 = Number.parseInt(m[2] ?? '', 16) ^ UUID_MASK_DAY;
    // Day numbers exceed 16 bits after 2149; pick the candidate nearest the timeline.
    const hi = this.timeline.firstDay - (this.timeline.firstDay & 0xffff);
    let day = hi + low16;
    if (day < this.timeline.firstDay - 0x8000) day += 0x10000;
    const j = this.unscramble(Number.parseInt(m[6] ?? '', 16), day);
    if (j >= this.timeline.countOn(day)) return undefined;
    const full = this.uuidOf({ index: 0, day, j });
    const candidate = m[7] === undefined ? full.slice(0, full.lastIndexOf('-')) : full;
    return candidate === uuid.toLowerCase() ? { day, j } : undefined;
  }
}
