/** Pages shown inside a host portal's iframe: no app chrome, messages for whoever can act on them. */
import type { Child } from 'hono/jsx';
import { VERSION } from '../version';
import { Layout } from '../views/layout';

/** Opens Connect/Reconnect and the other Seatwise pages in a popup (no inline scripts under the CSP). */
export const EMBED_SCRIPT_URL = `/assets/embed.js?v=${VERSION}`;

export function EmbedPage({ title, children }: { title: string; children: Child }) {
  return (
    <Layout title={title} embed scripts={[EMBED_SCRIPT_URL]}>
      {children}
    </Layout>
  );
}

/** A refusal in the frame. `forDeveloper` says it is the host portal's integration that must change. */
export function EmbedMessage({
  title,
  message,
  forDeveloper = false,
}: {
  title: string;
  message: string;
  forDeveloper?: boolean;
}) {
  return (
    <EmbedPage title={title}>
      <section class="card" id="embed-message" aria-labelledby="embed-message-title">
        <h2 id="embed-message-title">{title}</h2>
        <p role="alert">{message}</p>
        {forDeveloper ? (
          <p class="muted">
            For the developer of this portal: see “Embedding” in the Seatwise README for how to sign the
            token.
          </p>
        ) : null}
      </section>
    </EmbedPage>
  );
}

/** Without JavaScript the frame lands here; the link opens the Seatwise page outside the frame. */
export function OpenOutside({ label, href }: { label: string; href: string }) {
  return (
    <EmbedPage title={label}>
      <section class="card" aria-labelledby="open-title">
        <h2 id="open-title">{label}</h2>
        <p>
          This step opens Seatwise in a new window, because BlueJeans’ sign-in never runs inside another
          site’s frame.
        </p>
        <p class="actions">
          <a class="button primary" href={href} target="_blank" rel="noopener">
            Open Seatwise
          </a>
          <a class="button" href="/embed/card">
            Back
          </a>
        </p>
      </section>
    </EmbedPage>
  );
}
