import { describe, expect, it } from 'vitest';
import { progressOf, streamFraction } from '../../src/sync/progress';
import { progressText } from '../../src/views/sync-progress';

const stats = (o: Record<string, object>) => JSON.stringify(o);
const s = (x: object) => ({ fetched: 0, upserted: 0, skipped: 0, ...x });

describe('sync progress from a run’s stats', () => {
  it('names the step it reached out of all steps, and counts finished steps whole', () => {
    const p = progressOf(
      stats({
        users: s({ fetched: 60, total: 60, page: 1, pagesTotal: 1 }),
        meetings: s({ fetched: 400, page: 2, pagesTotal: 3, daysDone: 45, daysTotal: 90 }),
      }),
      1_000,
      31_000,
    );
    expect(p).toMatchObject({ phase: 'Meetings', step: 2, steps: 5, done: 460, daysDone: 45, daysTotal: 90 });
    expect(p.share).toBeCloseTo((1 + 0.5) / 5);
    // 30 s for 30%: about 70 s left.
    expect(p.remainingMs).toBe(70_000);
    const t = progressText(p);
    expect(t.step).toBe('Meetings, 2 of 5');
    expect(t.detail).toBe('400 records · 45 of 90 days · page 2 of 3 in this window');
    expect(t.time).toBe('30 s elapsed · about 1 min left');
  });

  it('uses records out of the listing’s count when there are no days, and gives no estimate too early', () => {
    expect(streamFraction(s({ fetched: 50, total: 200 }))).toBe(0.25);
    expect(streamFraction(s({ fetched: 50 }))).toBe(0);
    const p = progressOf(stats({ users: s({ fetched: 10, total: 1000 }) }), 0, 5_000);
    expect(p.step).toBe(1);
    expect(p.remainingMs).toBeUndefined();
    expect(progressText(p).detail).toBe('10 of 1,000 records');
    expect(progressText(p).time).toBe('5 s elapsed · estimating the time left');
  });

  it('starts at step 1 before any page is stored', () => {
    expect(progressOf('{}', 0, 1_000)).toMatchObject({ phase: 'Starting', step: 1, share: 0, done: 0 });
  });
});
