/** The Webhooks page: endpoints with their events and state, the add form, and each endpoint's delivery log. */
import type { WebhookFormat } from '../../db/schema';
import { EVENT_LABEL, WEBHOOK_EVENTS } from '../webhooks/events';
import { Layout } from './layout';

export interface AttemptView {
  at: number;
  eventType: string;
  statusCode: number | null;
  ok: boolean;
  attempt: number;
  error: string | null;
}

export interface EndpointView {
  id: string;
  url: string;
  format: WebhookFormat;
  events: string[];
  createdAt: number;
  disabledAt: number | null;
  disabledReason: string | null;
  failingSince: number | null;
  pending: number;
  attempts: AttemptView[];
}

export interface WebhooksPageProps {
  endpoints: EndpointView[];
  /** The secret of the endpoint just added: shown in this response only. */
  created?: { id: string; secret: string };
  notice?: string;
  error?: string;
  form?: { url?: string; events?: string[]; format?: WebhookFormat };
}

const when = (ms: number) => `${new Date(ms).toISOString().replace('T', ' ').slice(0, 19)} UTC`;

function AttemptLog({ attempts }: { attempts: AttemptView[] }) {
  if (attempts.length === 0) return <p class="muted">No deliveries yet.</p>;
  return (
    <table class="webhook-log stack">
      <caption>Delivery log (newest first)</caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Event</th>
          <th scope="col">Status</th>
          <th scope="col">Attempt</th>
        </tr>
      </thead>
      <tbody>
        {attempts.map((a) => (
          <tr data-ok={a.ok ? 'yes' : 'no'}>
            <td data-label="Time">{when(a.at)}</td>
            <td data-label="Event">
              <code>{a.eventType}</code>
            </td>
            {/* Labelled by the stylesheet on narrow screens (nth-child), so the cells stay plain. */}
            <td>{a.statusCode != null ? String(a.statusCode) : (a.error ?? 'failed')}</td>
            <td>{String(a.attempt)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Endpoint({ e }: { e: EndpointView }) {
  const base = `/settings/webhooks/${e.id}`;
  return (
    <section class="webhook-endpoint" id={e.id} aria-labelledby={`${e.id}-url`}>
      <h3 id={`${e.id}-url`}>
        <code>{e.url}</code>
      </h3>
      <p>
        {e.format === 'slack' ? 'Slack message' : 'Standard Webhooks JSON'} ·{' '}
        {e.events.map((t) => (
          <code>{t} </code>
        ))}
      </p>
      {e.disabledAt != null ? (
        <p class="error" role="status">
          Disabled since {when(e.disabledAt)}. {e.disabledReason} No events are sent until you re-enable it.
        </p>
      ) : e.failingSince != null ? (
        <p class="notice">
          Failing since {when(e.failingSince)}; {e.pending} deliver{e.pending === 1 ? 'y' : 'ies'} retrying.
          After a day of failures the endpoint is disabled.
        </p>
      ) : null}
      <div class="actions">
        {e.disabledAt != null ? (
          <form method="post" action={`${base}/enable`}>
            <button type="submit" class="primary">
              Re-enable
            </button>
          </form>
        ) : (
          <form method="post" action={`${base}/test`}>
            <button type="submit">Send test event</button>
          </form>
        )}
        <form method="post" action={`${base}/delete`}>
          <button type="submit" class="danger" aria-label={`Delete the endpoint ${e.url}`}>
            Delete
          </button>
        </form>
      </div>
      <AttemptLog attempts={e.attempts} />
    </section>
  );
}

export function WebhooksPage(props: WebhooksPageProps) {
  const form = props.form ?? {};
  const chosen = new Set(form.events ?? WEBHOOK_EVENTS);
  return (
    <Layout title="Webhooks">
      <h1>Webhooks</h1>
      <p>
        Seatwise posts an event to each endpoint when a sync completes or fails, when BlueJeans rejects the
        credentials, and when a broken connection recovers. Events are signed the{' '}
        <a href="https://www.standardwebhooks.com/">Standard Webhooks</a> way (<code>webhook-id</code>,{' '}
        <code>webhook-timestamp</code>, <code>webhook-signature</code>); failed deliveries are retried with
        growing delays for up to 24 hours.
      </p>
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      {props.created ? (
        <div class="notice secret-once" role="status">
          <p>
            Endpoint added. Its signing secret is shown <strong>only now</strong>: copy it into the receiver.
          </p>
          <p>
            <code id="webhook-secret">{props.created.secret}</code>
          </p>
        </div>
      ) : null}
      <h2>Add an endpoint</h2>
      <form method="post" action="/settings/webhooks">
        <div class="field">
          <label for="webhook-url">Endpoint URL</label>
          <input
            id="webhook-url"
            name="url"
            type="url"
            required
            placeholder="https://example.com/seatwise"
            value={form.url ?? ''}
            aria-describedby={props.error ? 'webhook-error' : undefined}
          />
        </div>
        <fieldset>
          <legend>Events</legend>
          {WEBHOOK_EVENTS.map((t) => (
            <label>
              <input type="checkbox" name="events" value={t} checked={chosen.has(t)} /> {EVENT_LABEL[t]} (
              <code>{t}</code>)
            </label>
          ))}
        </fieldset>
        <div class="field">
          <label for="webhook-format">Format</label>
          <select id="webhook-format" name="format">
            <option value="standard" selected={form.format !== 'slack'}>
              Standard Webhooks JSON
            </option>
            <option value="slack" selected={form.format === 'slack'}>
              Slack incoming webhook (a readable message)
            </option>
          </select>
        </div>
        {props.error ? (
          <p class="error" id="webhook-error" role="alert">
            {props.error}
          </p>
        ) : null}
        <button type="submit" class="primary">
          Add endpoint
        </button>
      </form>
      <h2>Endpoints</h2>
      {props.endpoints.length === 0 ? (
        <p class="muted">No endpoints yet.</p>
      ) : (
        props.endpoints.map((e) => <Endpoint e={e} />)
      )}
    </Layout>
  );
}
