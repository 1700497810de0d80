/** Summary tiles above the licence table: where the seats stand and how many could be reclaimed. */
import type { UsageSummary } from '../../db/queries/usage';

/** Inactive and never-used seats over licensed (not removed) seats, 0..1. */
export function reclaimableShare(s: UsageSummary): number {
  return s.licensed > 0 ? (s.inactive + s.never) / s.licensed : 0;
}

export function UsageTiles({ summary, thresholdDays }: { summary: UsageSummary; thresholdDays: number }) {
  const tiles: [string, string, string?][] = [
    ['Licensed users', String(summary.licensed)],
    ['Active', String(summary.active), `met in the last ${thresholdDays} days`],
    ['Inactive', String(summary.inactive), `no meeting for ${thresholdDays} days or more`],
    ['Never used', String(summary.never), 'no meeting in the synced history'],
    ['Removed', String(summary.removed), 'history kept'],
    ['Reclaimable', `${Math.round(reclaimableShare(summary) * 100)}%`, 'inactive + never used'],
  ];
  return (
    <ul class="usage-tiles" aria-label="Licence summary">
      {tiles.map(([label, value, hint]) => (
        <li class="tile">
          <span class="tile-value">{value}</span>
          <span class="tile-label">{label}</span>
          {hint ? <span class="muted tile-hint">{hint}</span> : null}
        </li>
      ))}
    </ul>
  );
}
