/**
 * What every usage view says about its data: "Data as of" with what it means (and how it differs from
 * "Last successful sync"), a banner that follows a running sync and offers "See usage" when it ends,
 * and a notice when the account is disconnected, with the date of the last sync.
 */
import type { Freshness } from '../usage/freshness';
import { formatDate } from './format';
import { ProgressBlock } from './sync-progress';
import { When } from './when';

export const FRESHNESS_ID = 'usage-freshness';
/** Polled by the banner while a sync runs (and loaded once by the page, so a cached page is current). */
export const FRESHNESS_URL = '/usage/freshness';
/** Fast while a sync runs; slow otherwise, so a page opened before a sync still notices it start. */
const POLL_SECONDS = 3;
const IDLE_POLL_SECONDS = 10;

export function UsageFreshness({ f, pageUrl }: { f: Freshness; pageUrl: string }) {
  const syncing = f.state === 'syncing';
  // Morphing keeps the details' open state and the live regions in place between polls.
  const poll = {
    'hx-get': syncing ? `${FRESHNESS_URL}?was=syncing` : FRESHNESS_URL,
    'hx-trigger': `every ${syncing ? POLL_SECONDS : IDLE_POLL_SECONDS}s`,
    'hx-swap': 'outerMorph',
  };
  return (
    <div id={FRESHNESS_ID} class="freshness" data-state={f.state} {...poll}>
      {f.state === 'disconnected' ? (
        <p class="notice" role="status">
          BlueJeans is disconnected, so these figures no longer update.{' '}
          {f.lastSyncedAt
            ? `They are from the last sync, on ${formatDate(f.lastSyncedAt)}.`
            : 'No sync finished before it was disconnected.'}{' '}
          <a href="/#bluejeans-card">Reconnect on the Connections page</a>.
        </p>
      ) : null}
      {syncing && f.sync ? (
        <section class="notice sync-banner" aria-labelledby="sync-banner-title">
          <h2 id="sync-banner-title" class="visually-hidden">
            Sync in progress
          </h2>
          <p style="margin:0">
            A sync with BlueJeans is running. The figures below catch up with what it has written about every
            20 seconds, and are complete when it ends.
          </p>
          <ProgressBlock sync={f.sync} />
        </section>
      ) : null}
      {f.finished ? (
        <p class="notice" role="status">
          The sync finished. <a href={pageUrl}>See usage</a> with the new data.
        </p>
      ) : null}
      <p class="muted" style="margin:0">
        Data as of {f.dataAsOf ? <When at={f.dataAsOf} now={f.now} /> : <span>no completed sync yet</span>}
        {f.lastSyncedAt ? (
          <>
            {' · '}Last successful sync <When at={f.lastSyncedAt} now={f.now} />
          </>
        ) : null}
      </p>
      <details>
        <summary>What do these times mean?</summary>
        <p style="margin:0.25rem 0 0">
          <strong>Data as of</strong> is the moment the figures are complete up to: every meeting that started
          before it is counted. <strong>Last successful sync</strong> is when that sync finished. They differ
          because a sync reads BlueJeans up to the moment it started, and takes a while to finish; meetings
          after "Data as of" appear with the next sync.
        </p>
      </details>
    </div>
  );
}
