import type { ConnectionState } from '../../db/schema';

/** What the card shows; built from a connection row by the route, never by the view. */
export interface ConnectionCardModel {
  vendor: 'bluejeans';
  state: ConnectionState;
  enterpriseName?: string | null;
  enterpriseId?: string | null;
  lastSyncedAt?: number | null;
  /** Where the card fragment reloads itself from (embed routes pass their own). */
  cardUrl: string;
  /** Where Connect/Reconnect lead. */
  connectUrl: string;
}

const STATE_LABEL: Record<ConnectionState, { text: string; tone: 'ok' | 'warn' | 'bad' | 'idle' }> = {
  disconnected: { text: 'Not connected', tone: 'idle' },
  connected: { text: 'Connected', tone: 'ok' },
  syncing: { text: 'Syncing', tone: 'ok' },
  sync_error: { text: 'Sync error, retrying', tone: 'warn' },
  needs_reauth: { text: 'Access expired: reconnect', tone: 'bad' },
  paused: { text: 'Paused', tone: 'idle' },
};

/** The BlueJeans Connections card: one component for the dashboard, the fragment route and the embed. */
export function ConnectionCard({ model }: { model: ConnectionCardModel }) {
  const label = STATE_LABEL[model.state];
  const connected = model.state !== 'disconnected';
  return (
    <section class="card" id="bluejeans-card" aria-labelledby="bluejeans-card-title">
      <div class="card-head">
        <BlueJeansLogo />
        <div>
          <h3 id="bluejeans-card-title">BlueJeans</h3>
          <p class="muted" style="margin:0">
            Video meetings: users, meetings and feature use.
          </p>
        </div>
      </div>
      <p aria-live="polite">
        <span class={`badge ${label.tone}`} data-state={model.state}>
          {label.text}
        </span>
      </p>
      <div class="actions">
        {connected ? null : (
          <a class="button primary" href={model.connectUrl}>
            Connect
          </a>
        )}
      </div>
    </section>
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
