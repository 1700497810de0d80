import type { Child } from 'hono/jsx';
import { ConnectionCard, type ConnectionCardModel } from './connection-card';
import { Layout } from './layout';

/**
 * The full page around the connect flow. Every step (form, consent, result) renders inside
 * `#connect-flow`, so htmx swaps steps there and a plain browser gets the same content as a page.
 */
export function ConnectPage({ title, children }: { title: string; children: Child }) {
  return (
    <Layout title={title}>
      <p>
        <a href="/">← Connections</a>
      </p>
      <h1>{title}</h1>
      <div id="connect-flow">{children}</div>
    </Layout>
  );
}

/** The end of a flow, shown in place by htmx: what happened, and the card as it is now. */
export function FlowDone({ message, card }: { message: string; card: ConnectionCardModel }) {
  return (
    <>
      <p class="notice" role="status">
        {message}
      </p>
      <ConnectionCard model={card} />
      <p>
        <a href="/">Back to your connections</a>
      </p>
    </>
  );
}

/** A step that cannot go on (expired confirmation, dead invite link): why, and where to go. */
export function FlowStop({
  message,
  retryUrl,
  retryLabel,
}: {
  message: string;
  retryUrl: string;
  retryLabel: string;
}) {
  return (
    <>
      <div class="notice bad" role="alert">
        {message}
      </div>
      <p>
        <a href={retryUrl}>{retryLabel}</a> · <a href="/">Back to your connections</a>
      </p>
    </>
  );
}
