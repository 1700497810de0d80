import type { ConnectionState } from '../../db/schema';
import { When } from './when';

export interface DisconnectConfirmProps {
  state: ConnectionState;
  enterpriseName?: string | null;
  enterpriseId?: string | null;
  lastSyncedAt?: number | null;
  now: number;
  urls: { disconnect: string; card: string };
}

/**
 * The confirm step of Disconnect. It takes the card's place (same id), so htmx swaps it in and
 * Cancel swaps the card back; without JavaScript it is a page of its own.
 */
export function DisconnectConfirm(props: DisconnectConfirmProps) {
  const name =
    props.enterpriseName ?? (props.enterpriseId ? `enterprise ${props.enterpriseId}` : 'BlueJeans');
  return (
    <section class="card" id="bluejeans-card" data-state={props.state} aria-labelledby="disconnect-title">
      <h2 id="disconnect-title" tabindex={-1}>
        Disconnect {name}?
      </h2>
      <p>
        Seatwise asks BlueJeans to revoke everything it was granted (the access token, and for Sign in with
        BlueJeans the refresh token and the granted application), then erases the stored credentials and
        destroys the key they were encrypted with. Syncing stops. The card then reports each outcome.
      </p>
      <form
        method="post"
        action={props.urls.disconnect}
        hx-post={props.urls.disconnect}
        hx-target="#bluejeans-card"
        hx-swap="outerHTML"
        hx-disable="find button"
      >
        <fieldset>
          <legend>Synced data</legend>
          <p class="muted" style="margin-top:0">
            {props.lastSyncedAt ? (
              <>
                Data was last synced <When at={props.lastSyncedAt} now={props.now} />.{' '}
              </>
            ) : null}
            BlueJeans is being retired; this history may soon exist nowhere else.
          </p>
          <div>
            <input type="radio" id="data-keep" name="data" value="keep" checked />{' '}
            <label for="data-keep" style="display:inline">
              Keep synced data (recommended): reports and exports keep working.
            </label>
          </div>
          <div>
            <input type="radio" id="data-delete" name="data" value="delete" />{' '}
            <label for="data-delete" style="display:inline">
              Delete synced data of this connection (users, meetings, usage). This cannot be undone.
            </label>
          </div>
        </fieldset>
        <div class="actions">
          <button type="submit" class="danger">
            Disconnect
          </button>
          <a class="button" href="/" hx-get={props.urls.card} hx-target="#bluejeans-card" hx-swap="outerHTML">
            Cancel
          </a>
        </div>
      </form>
    </section>
  );
}
