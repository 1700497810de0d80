/**
 * Reclaiming seats: the review page (who, why, what it saves; above 10 users the admin types the number
 * back), the progress page of a job (per user: removed, already gone, refused, failed, skipped; polled
 * by htmx while it runs) and the recent jobs listed on /licences.
 */

import { RECOMMENDATION_LABEL } from '../licences/recommend';
import type { ReviewUser, SelectionRefusal } from '../reclaim/selection';
import type { ReclaimItem, ReclaimItemStatus, ReclaimJob } from '../reclaim/store';
import { formatDateTime } from './format';
import { Layout } from './layout';

/** Above this many users the admin types the number to confirm. */
export const TYPE_TO_CONFIRM_ABOVE = 10;

export interface ReviewModel {
  users: ReviewUser[];
  /** Problems that refuse the selection (nothing can start until it is changed). */
  refusals: SelectionRefusal[];
  /** A top-level problem: empty selection, wrong confirmation number, removal not allowed... */
  error?: string;
  /** The saving per year, formatted in the chosen currency, or undefined without a price. */
  savingPerYear?: string;
  seatPerYear?: string;
  /** The typed confirmation, kept when it was wrong. */
  typed?: string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function ReviewPage({ model }: { model: ReviewModel }) {
  const n = model.users.length;
  const blocked = model.refusals.length > 0 || n === 0;
  return (
    <Layout title="Review seats to reclaim">
      <h1>Review seats to reclaim</h1>
      {model.error ? (
        <p class="notice bad" role="alert" id="reclaim-error">
          {model.error}
        </p>
      ) : null}
      {model.refusals.length > 0 ? (
        <section class="notice bad" role="alert" aria-labelledby="refusals-title">
          <h2 id="refusals-title">Nothing was removed: change the selection</h2>
          <ul class="refusals">
            {model.refusals.map((r) => (
              <li data-user-id={r.userId}>{r.message}</li>
            ))}
          </ul>
        </section>
      ) : null}
      {n > 0 ? (
        <>
          <p>
            {`Seatwise will remove ${plural(n, 'user')} from your BlueJeans enterprise through BlueJeans’ removeUser. `}
            Their BlueJeans accounts are not deleted, and everything Seatwise synced about them is kept.
          </p>
          <p id="reclaim-saving">
            {model.savingPerYear
              ? `Saving: ${plural(n, 'seat')} × ${model.seatPerYear} a year = ${model.savingPerYear} a year.`
              : 'Set a seat price on Licences to see what this saves.'}
          </p>
          <div class="table-scroll">
            <table class="usage-table" id="reclaim-review">
              <caption class="visually-hidden">Users to remove, with the reason for each</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">E-mail</th>
                  <th scope="col">Recommendation</th>
                  <th scope="col">Reason</th>
                </tr>
              </thead>
              <tbody>
                {model.users.map((u) => (
                  <tr data-user-id={u.userId}>
                    <th scope="row">{u.name}</th>
                    <td>{u.email ?? <span class="muted">none</span>}</td>
                    <td>{u.recommendation ? RECOMMENDATION_LABEL[u.recommendation] : '—'}</td>
                    <td>{u.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      {blocked ? null : <ConfirmForm model={model} />}
      <p>
        <a href="/usage/users?recommendation=reclaim">Back to the users</a> · <a href="/licences">Licences</a>
      </p>
    </Layout>
  );
}

function ConfirmForm({ model }: { model: ReviewModel }) {
  const n = model.users.length;
  const typeIt = n > TYPE_TO_CONFIRM_ABOVE;
  return (
    <form method="post" action="/licences/reclaim" class="reclaim-confirm">
      {model.users.map((u) => (
        <input type="hidden" name="userId" value={u.userId} />
      ))}
      {typeIt ? (
        <label>
          {`Type ${n}, the number of users, to confirm `}
          <input
            name="confirm"
            inputmode="numeric"
            autocomplete="off"
            required
            value={model.typed ?? ''}
            {...(model.error ? { 'aria-invalid': 'true', 'aria-describedby': 'reclaim-error' } : {})}
          />
        </label>
      ) : (
        <input type="hidden" name="confirm" value={String(n)} />
      )}{' '}
      <button type="submit" class="danger">
        {`Remove ${plural(n, 'user')} from BlueJeans`}
      </button>
    </form>
  );
}

export const ITEM_LABEL: Record<ReclaimItemStatus, string> = {
  pending: 'Waiting',
  removed: 'Removed',
  gone: 'Already gone (404)',
  refused: 'Refused',
  failed: 'Failed',
  skipped: 'Skipped',
};
const ITEM_TONE: Record<ReclaimItemStatus, string> = {
  pending: 'idle',
  removed: 'ok',
  gone: 'idle',
  refused: 'warn',
  failed: 'bad',
  skipped: 'idle',
};
const JOB_LABEL: Record<ReclaimJob['status'], string> = {
  running: 'Running',
  done: 'Finished',
  stopped: 'Stopped',
  cancelled: 'Cancelled',
};

export interface ProgressModel {
  job: ReclaimJob;
  items: ReclaimItem[];
  canCancel: boolean;
  notice?: string;
}

export const PROGRESS_ID = 'reclaim-progress';

export function ProgressPage({ model }: { model: ProgressModel }) {
  return (
    <Layout title="Reclaiming seats">
      <h1>Reclaiming seats</h1>
      <ProgressBody model={model} />
      <p>
        <a href="/licences">Licences</a> · <a href="/usage/users?status=removed">Removed users</a>
      </p>
    </Layout>
  );
}

/** The progress fragment: polls itself every 2 s while the job is unfinished. */
export function ProgressBody({ model }: { model: ProgressModel }) {
  const { job, items } = model;
  const done = job.finishedAt != null;
  const count = (s: ReclaimItemStatus) => items.filter((i) => i.status === s).length;
  const url = `/licences/reclaim/${job.id}`;
  const poll = done
    ? {}
    : { 'hx-get': url, 'hx-trigger': 'every 2s', 'hx-target': 'this', 'hx-swap': 'outerHTML' };
  const settled = items.length - count('pending');
  return (
    <section
      id={PROGRESS_ID}
      data-job-status={job.status}
      data-finished={done ? 'yes' : 'no'}
      aria-live="polite"
      {...poll}
    >
      {model.notice ? (
        <p class="notice" role="status">
          {model.notice}
        </p>
      ) : null}
      <p>
        <span class={`badge ${job.status === 'done' ? 'ok' : job.status === 'running' ? 'idle' : 'warn'}`}>
          {done || job.status !== 'running' ? JOB_LABEL[job.status] : 'Running'}
        </span>{' '}
        {`${settled} of ${items.length} users handled: ${count('removed')} removed, ${count('gone')} already gone, ${count('refused')} refused, ${count('failed')} failed${count('skipped') > 0 ? `, ${count('skipped')} skipped` : ''}.`}
      </p>
      <p class="muted">
        {`Approved by ${job.approvedBy} on ${formatDateTime(job.createdAt)}`}
        {done && job.finishedAt != null ? `; ended ${formatDateTime(job.finishedAt)}.` : '.'}
      </p>
      {job.stopReason ? (
        <p class="notice bad" role="alert" id="reclaim-stop-reason">
          {job.stopReason}
        </p>
      ) : null}
      {model.canCancel && job.status === 'running' && !done ? (
        <form method="post" action={`${url}/cancel`}>
          <button type="submit">Cancel the remaining removals</button>
        </form>
      ) : null}
      <div class="table-scroll">
        <table class="usage-table" id="reclaim-items">
          <caption class="visually-hidden">Each user of this reclaim and what happened</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">E-mail</th>
              <th scope="col">Result</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {items.map((i) => (
              <tr data-user-id={i.userId} data-status={i.status}>
                <th scope="row">{i.name}</th>
                <td>{i.email ?? <span class="muted">none</span>}</td>
                <td>
                  <span class={`badge ${ITEM_TONE[i.status]}`}>{ITEM_LABEL[i.status]}</span>
                </td>
                <td>
                  {i.reason ?? ''}
                  {i.doneAt != null ? <span class="muted">{` (${formatDateTime(i.doneAt)})`}</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The latest jobs, on /licences. */
export function RecentJobs({ jobs }: { jobs: ReclaimJob[] }) {
  if (jobs.length === 0) return null;
  return (
    <section class="card" aria-labelledby="reclaim-jobs-title">
      <h2 id="reclaim-jobs-title">Seats reclaimed through Seatwise</h2>
      <ul id="reclaim-jobs">
        {jobs.map((j) => (
          <li>
            <a href={`/licences/reclaim/${j.id}`}>
              {`${formatDateTime(j.createdAt)}: ${plural(j.total, 'user')}, approved by ${j.approvedBy}`}
            </a>{' '}
            <span class="muted">
              {j.finishedAt == null && j.status === 'running' ? 'running' : JOB_LABEL[j.status].toLowerCase()}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
