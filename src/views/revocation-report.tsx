import { When } from './when';

/** One line of the report: a grant, what became of it, and why. */
export interface RevocationLine {
  label: string;
  status: 'revoked' | 'not_held' | 'kept' | 'failed';
  /** The outcome in words ("revoked at BlueJeans"). */
  text: string;
  reason?: string;
}

export interface RevocationReportProps {
  lines: RevocationLine[];
  /** When the Disconnect happened (the card shows it; the activity log has its own column). */
  at?: number;
  now?: number;
}

const TONE: Record<RevocationLine['status'], string> = {
  revoked: 'ok',
  not_held: 'idle',
  kept: 'warn',
  failed: 'bad',
};

/** What Disconnect ended at BlueJeans: one line per grant, its outcome and why. */
export function RevocationReport({ lines, at, now }: RevocationReportProps) {
  return (
    <div class="revocation" data-revocation="">
      <p>
        What Disconnect ended at BlueJeans
        {at !== undefined && now !== undefined ? (
          <>
            {' '}
            (<When at={at} now={now} />)
          </>
        ) : null}
        :
      </p>
      <ul>
        {lines.map((l) => (
          <li data-grant={l.label} data-outcome={l.status}>
            <strong>{l.label}</strong>: <span class={`badge ${TONE[l.status]}`}>{l.text}</span>
            {l.reason ? <> — {l.reason}</> : '.'}
          </li>
        ))}
      </ul>
    </div>
  );
}
