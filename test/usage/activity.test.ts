import { describe, expect, it } from 'vitest';
import { classifyStatus, DAY_MS, daysAgo, periodStart, statusReason } from '../../src/usage/activity';

const NOW = Date.UTC(2026, 0, 15, 12);
const ago = (days: number) => NOW - days * DAY_MS;

describe('classifyStatus', () => {
  it.each([
    [29, 30, 'active'],
    [30, 30, 'inactive'],
    [31, 30, 'inactive'],
    [59, 60, 'active'],
    [60, 60, 'inactive'],
    [89, 90, 'active'],
    [90, 90, 'inactive'],
  ] as const)('last meeting %i days ago with a %i-day threshold is %s', (days, threshold, status) => {
    expect(classifyStatus({ removedAt: null, lastActiveAt: ago(days) }, NOW, threshold)).toBe(status);
  });

  it('is active one millisecond inside the threshold', () => {
    expect(classifyStatus({ removedAt: null, lastActiveAt: periodStart(NOW, 30) + 1 }, NOW, 30)).toBe(
      'active',
    );
  });

  it('says never without any activity, and removed wins over everything', () => {
    expect(classifyStatus({ removedAt: null, lastActiveAt: null }, NOW, 30)).toBe('never');
    expect(classifyStatus({ removedAt: ago(1), lastActiveAt: ago(1) }, NOW, 30)).toBe('removed');
  });
});

describe('statusReason', () => {
  const facts = { removedAt: null, lastActiveAt: ago(45), joinedAt: Date.UTC(2025, 5, 3) };
  const synced = { from: ago(90) };

  it('gives the days since the last meeting', () => {
    expect(statusReason('inactive', facts, NOW, synced)).toBe('last meeting 45 days ago');
    expect(statusReason('active', { ...facts, lastActiveAt: ago(1) }, NOW, synced)).toBe(
      'last meeting 1 day ago',
    );
    expect(statusReason('active', { ...facts, lastActiveAt: NOW - 1000 }, NOW, synced)).toBe(
      'last meeting today',
    );
  });

  it('bounds "never used" by the synced history, never claiming more than was synced', () => {
    // Joined long before the 90 synced days: only those days are known.
    expect(statusReason('never', { ...facts, lastActiveAt: null }, NOW, synced)).toBe(
      'no meeting in the 90 days synced (since 17 Oct 2025)',
    );
    // Joined inside the synced span: "since joining" is then the truth.
    expect(statusReason('never', { ...facts, lastActiveAt: null, joinedAt: ago(10) }, NOW, synced)).toBe(
      'no meeting since joining on 5 Jan 2026',
    );
    // An unknown join date is bounded the same way; nothing synced yet says so.
    expect(statusReason('never', { ...facts, lastActiveAt: null, joinedAt: null }, NOW, synced)).toBe(
      'no meeting in the 90 days synced (since 17 Oct 2025)',
    );
    expect(statusReason('never', { ...facts, lastActiveAt: null }, NOW, { from: null })).toBe(
      'no meeting synced yet',
    );
    expect(statusReason('never', { ...facts, lastActiveAt: null }, NOW, { from: ago(1) })).toBe(
      'no meeting in the 1 day synced (since 14 Jan 2026)',
    );
  });

  it('names the removal date for removed seats', () => {
    expect(statusReason('removed', { ...facts, removedAt: Date.UTC(2026, 0, 2) }, NOW, synced)).toBe(
      'removed from BlueJeans on 2 Jan 2026',
    );
  });

  it('never shows a future day count when clocks disagree', () => {
    expect(daysAgo(NOW + DAY_MS, NOW)).toBe(0);
  });
});
