import type { Child } from 'hono/jsx';
import type { AuthMethod, ConnectionState } from '../../db/schema';
import { METHOD_LABEL } from './format';
import { type RevocationLine, RevocationReport } from './revocation-report';
import { ProgressBlock, type SyncProgress } from './sync-progress';
import { When } from './when';

export type { SyncProgress } from './sync-progress';

/** Where the card's buttons and self-refresh lead (the embed route passes its own). */
export interface CardUrls {
  card: string;
  connect: string;
  disconnect: string;
  audit: string;
  invite: string;
  /** Absent until the sync engine offers "Sync now". */
  syncNow?: string;
}

/** What the card shows; built from a connection row by the route (connections/card-model.ts), never by the view. */
export interface ConnectionCardModel {
  vendor: 'bluejeans';
  state: ConnectionState;
  /** The moment the card describes (relative times are computed against it). */
  now: number;
  enterpriseName?: string | null;
  enterpriseId?: string | null;
  /** Who connected (App Key, username, token's user). Never a secret. */
  accountLabel?: string | null;
  method?: AuthMethod | null;
  lastSyncedAt?: number | null;
  /** Newest moment the synced data is complete up to. */
  dataAsOf?: number | null;
  /** Next scheduled sync; in `sync_error` the next retry. */
  nextSyncAt?: number | null;
  lastError?: string | null;
  /** When pasted tokens (or refresh tokens) stop working, if known. */
  credentialsExpireAt?: number | null;
  sync?: SyncProgress;
  /** `syncing`, but the process running it died (lease lapsed): shown as interrupted, Sync now resumes. */
  interrupted?: boolean;
  canSyncNow?: boolean;
  /** Seconds between self-refreshes while the state is changing; absent when idle (no polling). */
  pollSeconds?: number;
  /** Viewers (embed role `viewer`) see the state but get no buttons. */
  readOnly?: boolean;
  /** A one-line confirmation of what just happened (e.g. after Disconnect). */
  notice?: string;
  /** Disconnected: what the last Disconnect ended at BlueJeans (from the activity log). */
  revocation?: { at: number; lines: RevocationLine[] };
  urls: CardUrls;
}

const STATE_LABEL: Record<ConnectionState, { text: string; tone: 'ok' | 'warn' | 'bad' | 'idle' }> = {
  disconnected: { text: 'Not connected', tone: 'idle' },
  connected: { text: 'Connected', tone: 'ok' },
  syncing: { text: 'Syncing', tone: 'ok' },
  sync_error: { text: 'Sync error, retrying', tone: 'warn' },
  needs_reauth: { text: 'Access expired: reconnect', tone: 'bad' },
  paused: { text: 'Paused', tone: 'idle' },
};

const INTERRUPTED_LABEL = { text: 'Sync interrupted', tone: 'warn' } as const;

/** Whether the stored credentials are known to have stopped working (a pasted token past its end). */
export function credentialsExpired(model: ConnectionCardModel): boolean {
  return model.credentialsExpireAt != null && model.credentialsExpireAt <= model.now;
}

/** Which buttons make sense in which state; exported so tests and the embed agree with the card. */
export function cardActions(model: ConnectionCardModel): {
  connect: boolean;
  reconnect: 'primary' | 'secondary' | false;
  disconnect: boolean;
  syncNow: boolean;
} {
  if (model.readOnly) return { connect: false, reconnect: false, disconnect: false, syncNow: false };
  const linked = model.state !== 'disconnected';
  const urgent = model.state === 'needs_reauth' || (linked && credentialsExpired(model));
  return {
    connect: !linked,
    reconnect: linked ? (urgent ? 'primary' : 'secondary') : false,
    disconnect: linked,
    syncNow:
      Boolean(model.canSyncNow && model.urls.syncNow) &&
      (model.state === 'connected' ||
        model.state === 'sync_error' ||
        (model.state === 'syncing' && Boolean(model.interrupted))),
  };
}

/** The BlueJeans Connections card: one component for the dashboard, the fragment route and the embed. */
export function ConnectionCard({ model }: { model: ConnectionCardModel }) {
  const label = model.interrupted ? INTERRUPTED_LABEL : STATE_LABEL[model.state];
  const actions = cardActions(model);
  const poll = model.pollSeconds
    ? {
        'hx-get': model.urls.card,
        'hx-trigger': `every ${model.pollSeconds}s`,
        // Morphing keeps the status element in place, so screen readers announce its new text.
        'hx-swap': 'outerMorph',
      }
    : {};
  return (
    <section
      class="card"
      id="bluejeans-card"
      data-state={model.state}
      aria-labelledby="bluejeans-card-title"
      data-interrupted={model.interrupted ? 'true' : undefined}
      aria-busy={model.state === 'syncing' && !model.interrupted ? 'true' : undefined}
      {...poll}
    >
      <div class="card-head">
        <BlueJeansLogo />
        <div>
          <h2 id="bluejeans-card-title">BlueJeans</h2>
          <p class="muted" style="margin:0">
            Video meetings: who holds a licence, who meets, and which features they use.
          </p>
        </div>
      </div>
      <div id="bluejeans-card-status" role="status" aria-live="polite" aria-atomic="true">
        <p>
          <span class={`badge ${label.tone}`} data-state={model.state}>
            {label.text}
          </span>{' '}
          <StatusLine model={model} />
        </p>
        {model.notice ? <p class="notice">{model.notice}</p> : null}
        {model.state === 'disconnected' && model.revocation ? (
          <RevocationReport lines={model.revocation.lines} at={model.revocation.at} now={model.now} />
        ) : null}
      </div>
      {model.state === 'syncing' ? (
        <ProgressBlock
          sync={model.sync ?? { phase: 'Starting', done: 0 }}
          interrupted={Boolean(model.interrupted)}
        />
      ) : null}
      <Facts model={model} />
      {model.dataAsOf && model.lastSyncedAt ? (
        <p class="muted fact-note">
          “Data as of” is what the figures are complete up to (the moment the last sync started reading);
          “Last successful sync” is when it finished.
        </p>
      ) : null}
      {model.lastError && (model.state === 'sync_error' || model.state === 'needs_reauth') ? (
        <p class="notice bad">{model.lastError}</p>
      ) : null}
      <div class="actions">
        {actions.connect ? (
          <form method="get" action={model.urls.connect}>
            <button type="submit" class="primary">
              Connect
            </button>
          </form>
        ) : null}
        {actions.reconnect ? (
          <form method="get" action={model.urls.connect}>
            <button type="submit" class={actions.reconnect === 'primary' ? 'primary' : undefined}>
              Reconnect
            </button>
          </form>
        ) : null}
        {actions.syncNow && model.urls.syncNow ? (
          <form
            method="post"
            action={model.urls.syncNow}
            hx-post={model.urls.syncNow}
            hx-target="#bluejeans-card"
            hx-swap="outerMorph"
            hx-disable="find button"
          >
            <button type="submit">Sync now</button>
          </form>
        ) : null}
        {actions.disconnect ? (
          <form
            method="get"
            action={model.urls.disconnect}
            hx-get={model.urls.disconnect}
            hx-target="#bluejeans-card"
            hx-swap="outerHTML"
          >
            <button type="submit" class="danger">
              Disconnect
            </button>
          </form>
        ) : null}
      </div>
      {model.readOnly ? null : (
        <p class="muted" style="margin-bottom:0">
          <a href={model.urls.audit}>Activity log</a>
          {model.state === 'disconnected' || model.state === 'needs_reauth' ? (
            <>
              {' · '}
              <a href={model.urls.invite}>Not a BlueJeans admin? Invite your admin</a>
            </>
          ) : null}
        </p>
      )}
    </section>
  );
}

function StatusLine({ model }: { model: ConnectionCardModel }) {
  const expired = credentialsExpired(model);
  switch (model.state) {
    case 'disconnected':
      return model.lastSyncedAt ? (
        <span>Synced history is kept and can still be viewed and exported.</span>
      ) : (
        <span>Connect your BlueJeans account to see who uses its licences.</span>
      );
    case 'connected':
      if (expired) return <span>The access token has expired: paste a new one to keep syncing.</span>;
      return model.lastSyncedAt ? (
        <span>Syncing every 15 minutes.</span>
      ) : (
        <span>The first sync starts within 15 minutes; press Sync now to start it at once.</span>
      );
    case 'syncing':
      return model.interrupted ? (
        <span>
          The sync stopped before it finished (Seatwise was stopped or crashed). Nothing is lost:{' '}
          {model.readOnly ? 'it resumes where it stopped' : 'Sync now resumes it where it stopped'}, and so
          does the next scheduled sync.
        </span>
      ) : (
        <span>Fetching the latest data from BlueJeans…</span>
      );
    case 'sync_error':
      return model.nextSyncAt ? (
        <span>
          The last sync failed; Seatwise retries <When at={model.nextSyncAt} now={model.now} />.
        </span>
      ) : (
        <span>The last sync failed; Seatwise will retry.</span>
      );
    case 'needs_reauth':
      return model.method === 'access_token' ? (
        <span>The access token expired or was revoked. Paste a new one to resume syncing.</span>
      ) : (
        <span>BlueJeans no longer accepts the saved credentials. Reconnect to resume syncing.</span>
      );
    case 'paused':
      return <span>No syncs run while paused; data synced so far stays available.</span>;
  }
}

function Facts({ model }: { model: ConnectionCardModel }) {
  const rows: [string, Child][] = [];
  if (model.enterpriseId) {
    rows.push([
      'Enterprise',
      model.enterpriseName
        ? `${model.enterpriseName} (id ${model.enterpriseId})`
        : `id ${model.enterpriseId}`,
    ]);
  }
  if (model.state !== 'disconnected' && model.accountLabel) {
    rows.push([
      'Connected as',
      model.method ? `${model.accountLabel} · ${METHOD_LABEL[model.method]}` : model.accountLabel,
    ]);
  }
  if (model.lastSyncedAt)
    rows.push(['Last successful sync', <When at={model.lastSyncedAt} now={model.now} />]);
  if (model.dataAsOf) rows.push(['Data as of', <When at={model.dataAsOf} now={model.now} />]);
  if (model.state !== 'disconnected' && model.credentialsExpireAt) {
    rows.push([
      credentialsExpired(model) ? 'Token expired' : 'Token expires',
      <When at={model.credentialsExpireAt} now={model.now} />,
    ]);
  }
  if (rows.length === 0) return null;
  return (
    <dl>
      {rows.map(([term, value]) => (
        <>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </>
      ))}
    </dl>
  );
}

/** BlueJeans' mark, drawn inline so the card needs no external image (and works in any iframe). */
export function BlueJeansLogo() {
  return (
    <svg class="logo" viewBox="0 0 40 40" role="img" aria-label="BlueJeans logo">
      <rect width="40" height="40" rx="8" fill="#1d63ed" />
      <text
        x="20"
        y="26"
        text-anchor="middle"
        font-size="15"
        font-family="system-ui"
        font-weight="700"
        fill="#fff"
      >
        BJ
      </text>
    </svg>
  );
}
