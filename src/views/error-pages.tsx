import { Layout } from './layout';

export function NotFoundPage({ path }: { path: string }) {
  return (
    <Layout title="Not found">
      <h1>Page not found</h1>
      <p>
        Nothing lives at <code>{path}</code>. <a href="/">Back to your connections</a>.
      </p>
    </Layout>
  );
}

/** Generic failure: says what to do and gives the request id to quote, never the internals. */
export function ErrorPage({ requestId }: { requestId: string }) {
  return (
    <Layout title="Something went wrong">
      <h1>Something went wrong</h1>
      <p>Seatwise hit an unexpected error. Nothing you saved was changed. Try again in a moment.</p>
      <p class="muted">
        If it keeps happening, quote request id <code>{requestId}</code> to your administrator.
      </p>
    </Layout>
  );
}

/** The fragment htmx swaps in when a request fails (4xx/5xx are swapped by default in htmx 4). */
export function ErrorFragment({ message, requestId }: { message: string; requestId?: string }) {
  return (
    <div class="notice bad" role="alert">
      {message}
      {requestId ? <span class="muted"> (request id {requestId})</span> : null}
    </div>
  );
}

/** A signed-in caller without the role a page needs: what they cannot do, and whom to ask. */
export function ForbiddenPage({ message, admins = [] }: { message: string; admins?: readonly string[] }) {
  return (
    <Layout title="Not allowed">
      <h1>You cannot do this here</h1>
      <p role="alert">{message}</p>
      {admins.length > 0 ? (
        <p>
          Ask an admin of this organization:{' '}
          {admins.map((email, i) => (
            <>
              {i > 0 ? ', ' : null}
              <a href={`mailto:${email}`}>{email}</a>
            </>
          ))}
          .
        </p>
      ) : (
        <p>Ask an admin of your organization.</p>
      )}
      <p>
        <a href="/">Back to your connections</a>
      </p>
    </Layout>
  );
}
