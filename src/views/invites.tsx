import { FIELD_LIMITS } from '../connections/connect-form';
import { When } from './when';

export interface InviteView {
  id: string;
  email: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
}

export interface InvitesPanelProps {
  invites: InviteView[];
  /** The link just created: shown once, because only its hash is kept. */
  created?: { email: string; link: string; expiresAt: number } | undefined;
  emailValue?: string | undefined;
  error?: string | undefined;
  notice?: string | undefined;
  formId: string;
  /** Whether Seatwise can send email itself (it cannot unless a provider is configured). */
  emailProvider: boolean;
  now: number;
  urls: { invites: string };
}

/** "Invite your admin": the form, the link just made, and the open invites (the inside of `#invites-panel`). */
export function InvitesPanel(props: InvitesPanelProps) {
  return (
    <div id="invites-panel">
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      {props.created ? <CreatedLink {...props.created} now={props.now} /> : null}
      <form
        method="post"
        action={props.urls.invites}
        hx-post={props.urls.invites}
        hx-target="#invites-panel"
        hx-swap="outerHTML"
        hx-disable="find button"
      >
        <input type="hidden" name="formId" value={props.formId} />
        <div class="field">
          <label for="email">Your BlueJeans admin's email</label>
          <input
            id="email"
            name="email"
            type="email"
            required
            maxlength={FIELD_LIMITS.email}
            value={props.emailValue}
            autocomplete="off"
            aria-invalid={props.error ? 'true' : undefined}
            aria-describedby={props.error ? 'email-error' : 'email-hint'}
          />
          <p class="muted" id="email-hint" style="margin:0.2rem 0 0">
            {props.emailProvider
              ? 'Seatwise emails the link to this address.'
              : 'Seatwise sends no email itself (no email provider is configured): you get a link to copy and send.'}
          </p>
          {props.error ? (
            <p class="error" id="email-error" role="alert">
              {props.error}
            </p>
          ) : null}
        </div>
        <button type="submit" class="primary">
          Create invite link
        </button>
      </form>
      <h2>Open invites</h2>
      {props.invites.length === 0 ? (
        <p class="muted">No open invites.</p>
      ) : (
        <table class="stack">
          <caption class="visually-hidden">Open invites</caption>
          <thead>
            <tr>
              <th scope="col">For</th>
              <th scope="col">Created</th>
              <th scope="col">Expires</th>
              <th scope="col">
                <span class="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.invites.map((i) => (
              <tr>
                <td data-label="For">{i.email}</td>
                <td data-label="Created">
                  <When at={i.createdAt} now={props.now} /> by {i.createdBy}
                </td>
                <td data-label="Expires">
                  <When at={i.expiresAt} now={props.now} />
                </td>
                <td>
                  <form
                    method="post"
                    action={`${props.urls.invites}/${i.id}/revoke`}
                    hx-post={`${props.urls.invites}/${i.id}/revoke`}
                    hx-target="#invites-panel"
                    hx-swap="outerHTML"
                    hx-disable="find button"
                  >
                    <button type="submit" class="danger" aria-label={`Revoke the invite for ${i.email}`}>
                      Revoke
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function CreatedLink({
  email,
  link,
  expiresAt,
  now,
}: {
  email: string;
  link: string;
  expiresAt: number;
  now: number;
}) {
  return (
    <div class="notice" role="status">
      <p style="margin-top:0">
        Invite link for <strong>{email}</strong> created. Copy it now and send it to them: Seatwise keeps only
        a fingerprint of it and cannot show it again.
      </p>
      <label for="invite-link">
        Invite link (single use, valid until <When at={expiresAt} now={now} />)
      </label>
      <div class="copy-row">
        <input id="invite-link" type="text" readonly value={link} style="max-width:100%" />
        <button type="button" data-copy="#invite-link" aria-describedby="invite-link-copied">
          Copy link
        </button>
      </div>
      <p id="invite-link-copied" class="muted" role="status" style="margin:0.25rem 0 0" />
    </div>
  );
}
