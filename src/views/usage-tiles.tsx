/**
 * Summary tiles above the licence table: where the seats stand and how many could be reclaimed. Each
 * tile links to the users table filtered to the seats it counts.
 */
import type { UsageSummary } from '../../db/queries/usage';

/** Inactive and never-used seats over licensed (not removed) seats, 0..1. */
export function reclaimableShare(s: UsageSummary): number {
  return s.licensed > 0 ? (s.inactive + s.never) / s.licensed : 0;
}

const seats = (n: number) => `${n} seat${n === 1 ? '' : 's'}`;

export function UsageTiles({ summary, thresholdDays }: { summary: UsageSummary; thresholdDays: number }) {
  const reclaimable = summary.inactive + summary.never;
  const tiles: { label: string; value: string; hint?: string; href: string }[] = [
    { label: 'Licensed users', value: String(summary.licensed), href: '/usage/users#usage-results' },
    {
      label: 'Active',
      value: String(summary.active),
      hint: `met in the last ${thresholdDays} days`,
      href: '/usage/users?status=active#usage-results',
    },
    {
      label: 'Inactive',
      value: String(summary.inactive),
      hint: `no meeting for ${thresholdDays} days or more`,
      href: '/usage/users?status=inactive#usage-results',
    },
    {
      label: 'Never used',
      value: String(summary.never),
      hint: 'no meeting in the synced history',
      href: '/usage/users?status=never#usage-results',
    },
    {
      label: 'Removed',
      value: String(summary.removed),
      hint: 'history kept',
      href: '/usage/users?status=removed#usage-results',
    },
    {
      label: 'Reclaimable',
      value: `${Math.round(reclaimableShare(summary) * 100)}%`,
      hint: `${seats(reclaimable)}: inactive + never used`,
      // Status order puts never-used, then inactive seats first: the first rows are exactly these seats.
      href: '/usage/users?sort=status#usage-results',
    },
  ];
  return (
    <ul class="usage-tiles" aria-label="Licence summary">
      {tiles.map((t) => (
        <li class="tile">
          <a href={t.href} class="tile-link">
            <span class="tile-value">{t.value}</span>
            <span class="tile-label">{t.label}</span>
            {t.hint ? <span class="muted tile-hint">{t.hint}</span> : null}
          </a>
        </li>
      ))}
    </ul>
  );
}
