import type { ConnectMethod } from '../connectors/types';

/** Where to find what the form asks for, step by step, for the chosen method. */
export function SetupGuide({ method, redirectUri }: { method: ConnectMethod; redirectUri: string }) {
  return (
    <aside aria-labelledby="guide-title">
      <h2 id="guide-title">Where to find this</h2>
      {method === 'client_credentials' || method === 'oauth' ? (
        <AppKeySteps method={method} redirectUri={redirectUri} />
      ) : null}
      {method === 'password' ? (
        <ol class="guide">
          <li>Use the username (or email) and password of a BlueJeans enterprise administrator.</li>
          <li>
            Accounts that sign in through single sign-on (SSO) have no BlueJeans password: use an App Key or
            "Sign in with BlueJeans" instead.
          </li>
          <li>
            Seatwise keeps the password sealed (encrypted) to renew its access, and never shows it again. A
            dedicated read-only admin account is a good idea.
          </li>
        </ol>
      ) : null}
      {method === 'access_token' ? (
        <ol class="guide">
          <li>
            Create an access token for an enterprise administrator in BlueJeans (or with your own tooling).
          </li>
          <li>Paste the whole token. Seatwise checks it with BlueJeans before saving anything.</li>
          <li>
            A token cannot be renewed: when it expires, the Connections card says so and asks for a new one.
            Disconnecting does not revoke a pasted token, since it may be used elsewhere.
          </li>
        </ol>
      ) : null}
      <p class="muted">
        Seatwise only reads: users, meetings and usage. It changes nothing in BlueJeans unless an admin opts
        in (on the consent step or on Licences) to “Allow Seatwise to remove users you approve”: then it can
        remove from the enterprise the users an admin selects, reviews and confirms (never enterprise admins,
        exempt users or the connecting account), each removal logged; the opt-in is revocable at any time.
      </p>
    </aside>
  );
}

function AppKeySteps({
  method,
  redirectUri,
}: {
  method: 'client_credentials' | 'oauth';
  redirectUri: string;
}) {
  return (
    <>
      <ol class="guide">
        <li>
          Sign in to BlueJeans as an enterprise administrator and open <strong>Admin</strong> &gt;{' '}
          <strong>Group Settings</strong> &gt; <strong>OAuth Access</strong>.
        </li>
        <li>
          No <strong>OAuth Access</strong> tab? BlueJeans support has to enable it for your enterprise. Their
          live chat is the fastest way to ask.
        </li>
        <li>
          Click <strong>Add New App</strong> and name it, for example, "Seatwise".
          {method === 'oauth' ? (
            <>
              {' '}
              Register this redirect URI for it: <code>{redirectUri}</code>
            </>
          ) : null}
        </li>
        <li>
          Copy the <strong>App Key</strong> and the <strong>App Secret</strong> into this form. BlueJeans
          shows the secret only once; if it is lost, regenerate it there.
        </li>
        {method === 'oauth' ? (
          <li>
            Click <strong>Sign in with BlueJeans</strong>: BlueJeans asks you to sign in and approve read
            access, then sends you back here.
          </li>
        ) : null}
      </ol>
      <p class="muted">
        The App Secret is sealed (encrypted) before it is stored, and is never shown again, not even to you.
      </p>
    </>
  );
}
