import type { AccountInfo, ConnectMethod } from '../connectors/types';
import { METHOD_LABEL } from './format';
import { When } from './when';

export interface ConsentProps {
  account: AccountInfo;
  method: ConnectMethod;
  /** The verified credentials, sealed: ciphertext only, bound to this organization and connection. */
  pending: string;
  expiresAt: number;
  now: number;
  urls: { confirm: string; cancel: string };
}

/** The consent step before the first save: what is read, how often, where it is kept. */
export function Consent(props: ConsentProps) {
  const { account } = props;
  return (
    <section aria-labelledby="consent-title">
      <h2 id="consent-title" tabindex={-1}>
        Allow Seatwise to read this BlueJeans account?
      </h2>
      <p class="notice" role="status">
        BlueJeans accepted the credentials for enterprise{' '}
        <strong>
          {account.enterpriseName
            ? `${account.enterpriseName} (id ${account.enterpriseId})`
            : account.enterpriseId}
        </strong>
        , signed in as <strong>{account.accountLabel}</strong> ({METHOD_LABEL[props.method]}). Nothing is
        saved until you confirm.
      </p>
      <dl class="consent">
        <dt>What Seatwise reads</dt>
        <dd>
          Your enterprise's users, meetings (with the features used: recording, content share, phone, large
          meetings) and usage statistics. Read-only: Seatwise only reads and changes nothing in BlueJeans
          unless you allow it (below, or later on Licences) to remove users you approve. Then it removes only
          the users you select, review and confirm, never an enterprise admin, an exempt user or the account
          it connects with; every removal is logged, and you can revoke the permission on Licences at any
          time.
        </dd>
        <dt>How often</dt>
        <dd>Every 15 minutes, on a schedule, starting with the next run after you confirm.</dd>
        <dt>Where it is kept</dt>
        <dd>
          In this Seatwise deployment's own database. The credentials are sealed (encrypted) with this
          deployment's key and never shown again. Synced history stays after you disconnect, unless you choose
          to delete it.
        </dd>
        {props.account.credentialsExpireAt ? (
          <>
            <dt>Valid until</dt>
            <dd>
              <When at={props.account.credentialsExpireAt} now={props.now} />; after that Seatwise asks for
              new credentials.
            </dd>
          </>
        ) : null}
      </dl>
      <div class="actions">
        <form
          method="post"
          action={props.urls.confirm}
          hx-post={props.urls.confirm}
          hx-target="#connect-flow"
          hx-swap="innerHTML"
          hx-disable="find button"
        >
          <input type="hidden" name="pending" value={props.pending} />
          <p>
            <label>
              <input type="checkbox" name="allowRemoval" value="yes" /> Allow Seatwise to remove users you
              approve (optional; off by default)
            </label>
          </p>
          <button type="submit" class="primary">
            Confirm and connect
          </button>
        </form>
        <form
          method="post"
          action={props.urls.cancel}
          hx-post={props.urls.cancel}
          hx-target="#connect-flow"
          hx-swap="innerHTML"
          hx-disable="find button"
        >
          <button type="submit">Cancel</button>
        </form>
      </div>
      <p class="muted">
        This confirmation is valid until <When at={props.expiresAt} now={props.now} />.
      </p>
    </section>
  );
}
