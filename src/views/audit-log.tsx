import type { AuditAction } from '../connections/audit';
import { formatDateTime } from './format';
import { type RevocationLine, RevocationReport } from './revocation-report';
import { When } from './when';

export interface AuditEntryView {
  id: number;
  at: number;
  actor: string;
  action: string;
  detail: Record<string, unknown>;
  /** Disconnect entries: what was ended at BlueJeans, one line per grant. */
  revocation?: RevocationLine[];
}

export interface AuditLogProps {
  entries: AuditEntryView[];
  now: number;
  /** Link to older entries, when there are more. */
  olderUrl?: string | undefined;
}

const ACTION_LABEL: Record<AuditAction, string> = {
  'connection.connected': 'Connected',
  'connection.reconnected': 'Reconnected',
  'connection.disconnected': 'Disconnected',
  'connection.state_changed': 'State changed',
  'connection.verify_failed': 'Credentials refused',
  'connection.connect_cancelled': 'Connect cancelled',
  'connection.oauth_started': 'Sign-in with BlueJeans started',
  'connection.oauth_failed': 'Sign-in with BlueJeans failed',
  'invite.created': 'Invite created',
  'invite.used': 'Invite used',
  'invite.revoked': 'Invite revoked',
  'keys.rotated': 'Encryption keys rotated',
  'licences.settings_saved': 'Licence settings saved',
  'licences.removal_allowed': 'Allowed Seatwise to remove approved users',
  'licences.removal_revoked': 'Revoked permission to remove users',
  'reclaim.started': 'Reclaim started',
  'reclaim.user_removed': 'User removed from BlueJeans',
  'reclaim.cancelled': 'Reclaim cancelled',
  'reclaim.finished': 'Reclaim finished',
  'org.created': 'Organization created',
  'member.added': 'Member added',
  'member.removed': 'Member removed',
  'member.role_changed': 'Member role changed',
  'sync.resumed': 'Interrupted sync resumed',
  'archive.exported': 'Full history archive exported',
  'webhook.added': 'Webhook endpoint added',
  'webhook.deleted': 'Webhook endpoint deleted',
  'webhook.enabled': 'Webhook endpoint re-enabled',
  'webhook.disabled': 'Webhook endpoint disabled after a day of failures',
};

/** Readable names for the detail keys the log writes. */
const DETAIL_LABEL: Record<string, string> = {
  from: 'from',
  to: 'to',
  method: 'method',
  enterpriseId: 'enterprise',
  account: 'account',
  code: 'reason',
  field: 'field',
  mode: 'while',
  trigger: 'started by',
  event: 'outcome',
  failures: 'failed attempts before',
  via: 'via',
  role: 'role',
  message: 'message',
  dataKept: 'data kept',
  revoked: 'access token revoked',
  revokeError: 'revocation failed because',
  dataKeyDestroyed: 'encryption key of its secrets destroyed',
  inviteId: 'invite',
  email: 'for',
  expiresAt: 'expires',
  kid: 'key',
  dataKeysRewrapped: 'data keys re-wrapped',
  connectionsRekeyed: 'credentials re-sealed',
  cachesRekeyed: 'cached tokens re-sealed',
};

/** The activity log table: who, when, what. */
export function AuditLog({ entries, now, olderUrl }: AuditLogProps) {
  if (entries.length === 0) return <p class="muted">Nothing has happened yet.</p>;
  return (
    <>
      <table class="stack">
        <caption class="visually-hidden">Activity log, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr>
              <td data-label="When">
                <When at={e.at} now={now} />
              </td>
              <td data-label="Who">{e.actor}</td>
              <td>{ACTION_LABEL[e.action as AuditAction] ?? e.action}</td>
              <td>
                <Details detail={e.detail} />
                {e.revocation ? <RevocationReport lines={e.revocation} /> : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {olderUrl ? (
        <p>
          <a href={olderUrl}>Older entries</a>
        </p>
      ) : null}
    </>
  );
}

function Details({ detail }: { detail: Record<string, unknown> }) {
  const parts = Object.entries(detail).filter(([, v]) => v !== null && v !== undefined && v !== '');
  if (parts.length === 0) return null;
  return (
    <ul style="margin:0;padding-left:1rem">
      {parts.map(([k, v]) => (
        <li>
          <span class="muted">{DETAIL_LABEL[k] ?? k}:</span> {formatValue(k, v)}
        </li>
      ))}
    </ul>
  );
}

/** Entries written before each grant's outcome was recorded said only yes/no, and a code on failure. */
const OLD_REVOKE_CODES: Record<string, string> = {
  unreachable: 'BlueJeans could not be reached',
  server_error: 'BlueJeans answered with a server error',
  rate_limited: 'BlueJeans asked Seatwise to slow down',
};

/** Words for the internal values the log stores (methods, form fields, states, codes, triggers). */
const FIELD_LABEL: Record<string, string> = {
  appKey: 'App Key',
  appSecret: 'App Secret',
  username: 'Username or email',
  password: 'Password',
  accessToken: 'Access token',
  method: 'Sign-in method',
  email: 'Email',
};
const STATE_WORDS: Record<string, string> = {
  disconnected: 'not connected',
  connected: 'connected',
  syncing: 'syncing',
  sync_error: 'sync error (retrying)',
  needs_reauth: 'needs reconnecting',
  paused: 'paused',
};
const MODE_WORDS: Record<string, string> = { connect: 'connecting', reconnect: 'reconnecting' };
const TRIGGER_WORDS: Record<string, string> = {
  cron: 'the schedule',
  manual: 'Sync now',
  cli: 'the command line',
  first: 'the first sync after connecting',
  queue: 'the queue',
  continuation: 'the queue (continuing a sync)',
};
const EVENT_WORDS: Record<string, string> = {
  synced: 'sync finished',
  recovered: 'sync finished, recovered after failures',
};
const CODE_WORDS: Record<string, string> = {
  invalid_credentials: 'BlueJeans did not accept these credentials',
  oauth_access_disabled: 'OAuth Access is turned off for this enterprise',
  not_enterprise_admin: 'the account is not an enterprise administrator',
  token_expired: 'the token had expired',
  token_revoked: 'the token had been revoked',
  unreachable: 'BlueJeans could not be reached',
  bad_response: 'BlueJeans answered with something unreadable',
  rate_limited: 'BlueJeans asked to slow down (rate limit)',
  server_error: 'BlueJeans had a server error',
  not_found: 'BlueJeans did not find it',
  bad_request: 'BlueJeans refused the request',
  budget_exhausted: 'the request budget ran out',
  state_invalid: 'the sign-in link was not valid',
  state_expired: 'the sign-in took too long',
  state_replayed: 'the sign-in was already used',
  code_invalid: 'BlueJeans refused the sign-in code',
  token_busy: 'another worker was getting a token',
  refused: 'refused',
  dead_letter: 'the sync gave up after repeated failures',
};
const METHOD_WORDS: Record<string, string> = {
  client_credentials: 'App Key and App Secret',
  oauth: 'Sign in with BlueJeans',
  password: 'BlueJeans login',
  access_token: 'Personal access token',
};

function formatValue(key: string, value: unknown): string {
  if (key === 'expiresAt' && typeof value === 'number') return formatDateTime(value);
  // Revocation wording is the disconnect report's (revocation-report.tsx); old entries read as before.
  if (key === 'revoked' && value === false) return 'no (no live token was held, or see the reason below)';
  if (key === 'revokeError' && typeof value === 'string') return OLD_REVOKE_CODES[value] ?? value;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string') {
    const words =
      key === 'method'
        ? METHOD_WORDS[value]
        : key === 'field'
          ? FIELD_LABEL[value]
          : key === 'from' || key === 'to'
            ? STATE_WORDS[value]
            : key === 'mode'
              ? MODE_WORDS[value]
              : key === 'trigger'
                ? TRIGGER_WORDS[value]
                : key === 'event'
                  ? EVENT_WORDS[value]
                  : key === 'code' || key === 'revokeError'
                    ? // The code stays beside the words: it is what support and the README search for.
                      CODE_WORDS[value] && `${CODE_WORDS[value]} (${value})`
                    : undefined;
    return words ?? value;
  }
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value);
}
