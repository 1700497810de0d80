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

  it('gives the days since the last meeting', () => {
    expect(statusReason('inactive', facts, NOW)).toBe('last meeting 45 days ago');
    expect(statusReason('active', { ...facts, lastActiveAt: ago(1) }, NOW)).toBe('last meeting 1 day ago');
    expect(statusReason('active', { ...facts, lastActiveAt: NOW - 1000 }, NOW)).toBe('last meeting today');
  });

  it('names the join date for never-used seats and the removal date for removed ones', () => {
    expect(statusReason('never', { ...facts, lastActiveAt: null }, NOW)).toBe(
      'no meeting since joining on 3 Jun 2025',
    );
    expect(statusReason('removed', { ...facts, removedAt: Date.UTC(2026, 0, 2) }, NOW)).toBe(
      'removed from BlueJeans on 2 Jan 2026',
    );
  });

  it('never shows a future day count when clocks disagree', () => {
    expect(daysAgo(NOW + DAY_MS, NOW)).toBe(0);
  });
});
