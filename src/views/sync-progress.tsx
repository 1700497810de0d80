/**
 * A running sync as an admin reads it: the step it is on ("Meetings, 2 of 5"), records, pages and days
 * done out of the totals BlueJeans gave, time elapsed and an estimate. Shared by the Connections card
 * and the banner on usage pages.
 */

/** Live progress of a running sync (built by src/sync/progress.ts from the run's stats). */
export interface SyncProgress {
  /** The step being fetched now, e.g. `Meetings`. */
  phase: string;
  /** 1-based step and how many steps a run has. */
  step?: number;
  steps?: number;
  /** Records fetched so far in the whole run. */
  done: number;
  /** Known total of the whole run, when a caller has one (older callers). */
  total?: number;
  /** Share of the run done, 0..1 (finished steps whole, the current one by its own progress). */
  share?: number;
  /** This step's records so far and the total the API reported. */
  stepDone?: number;
  stepTotal?: number;
  /** The latest page and the pages the listing (or its current window) has. */
  pagesDone?: number;
  pagesTotal?: number;
  /** Days of a windowed step's range done. */
  daysDone?: number;
  daysTotal?: number;
  startedAt?: number;
  elapsedMs?: number;
  /** Estimated time left; absent until enough is done to say. */
  remainingMs?: number;
}

/** How long, in words a glance can read: "42 s", "3 min", "1 h 5 min". */
export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

const n = (v: number) => v.toLocaleString('en-US');

/** The step, the detail of this step, and the timing, as three short lines. */
export function progressText(sync: SyncProgress): { step: string; detail: string; time: string } {
  const step = sync.steps ? `${sync.phase}, ${sync.step ?? 1} of ${sync.steps}` : sync.phase;
  const detail: string[] = [];
  // A caller that only knows the run's total (no steps) gets the plain "phase: done of total".
  if (sync.total != null && sync.stepTotal == null)
    detail.push(`${sync.phase}: ${n(sync.done)} of ${n(sync.total)}`);
  else if (sync.stepTotal != null) detail.push(`${n(sync.stepDone ?? 0)} of ${n(sync.stepTotal)} records`);
  else if (sync.stepDone != null) detail.push(`${n(sync.stepDone)} records`);
  if (sync.daysTotal != null) detail.push(`${sync.daysDone ?? 0} of ${sync.daysTotal} days`);
  if (sync.pagesTotal != null && sync.pagesTotal > 1) {
    const of = sync.daysTotal != null ? ' in this window' : '';
    detail.push(`page ${sync.pagesDone ?? 1} of ${sync.pagesTotal}${of}`);
  }
  if (detail.length === 0) detail.push(`${n(sync.done)} records so far`);
  const time: string[] = [];
  if (sync.elapsedMs != null) time.push(`${formatDuration(sync.elapsedMs)} elapsed`);
  time.push(
    sync.remainingMs != null ? `about ${formatDuration(sync.remainingMs)} left` : 'estimating the time left',
  );
  return { step, detail: detail.join(' · '), time: time.join(' · ') };
}

/** Share done as a whole percentage, or undefined when nothing says how far it is. */
export function progressPercent(sync: SyncProgress): number | undefined {
  if (sync.share != null) return Math.min(100, Math.round(sync.share * 100));
  if (sync.total) return Math.min(100, Math.round((sync.done / sync.total) * 100));
  return undefined;
}

/** The bar and its three lines. `interrupted`: the run stopped (its process died) and waits to resume. */
export function ProgressBlock({ sync, interrupted = false }: { sync: SyncProgress; interrupted?: boolean }) {
  const pct = progressPercent(sync);
  const t = progressText(sync);
  const summary = interrupted ? `Stopped at ${t.step}` : t.step;
  return (
    <div class="sync-progress">
      <div
        class="progress"
        role="progressbar"
        aria-label="Sync progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={`${summary}: ${t.detail}`}
      >
        <span style={`width:${pct ?? 2}%`} />
      </div>
      <p class="progress-step">
        <strong>{summary}</strong> <span class="muted">{pct != null ? `(${pct}%)` : ''}</span>
      </p>
      <p class="muted progress-detail">{t.detail}</p>
      {interrupted ? (
        <p class="muted progress-time">{`Stopped after ${n(sync.done)} records (at ${t.step})`}</p>
      ) : (
        <p class="muted progress-time">{`Syncing… ${n(sync.done)} records (all steps) · ${t.time}`}</p>
      )}
    </div>
  );
}
