import type { AuditAction } from '../connections/audit';
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

function formatValue(key: string, value: unknown): string {
  if (key === 'expiresAt' && typeof value === 'number') return new Date(value).toISOString();
  if (key === 'revoked' && value === false) return 'no (no live token was held, or see the reason below)';
  if (key === 'revokeError' && typeof value === 'string') return OLD_REVOKE_CODES[value] ?? value;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'string' || typeof value === 'number') return String(value);
  return JSON.stringify(value);
}
