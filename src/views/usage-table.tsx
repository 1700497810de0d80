/**
 * The licence table: filter form, sortable headers, rows, paging. `UsageResults` is
 * also the htmx fragment (`#usage-results`) answered to `HX-Request`.
 */
import type { UsageRow, UsageSort } from '../../db/queries/usage';
import { RECOMMENDATION_LABEL, RECOMMENDATIONS, type RecommendationContext } from '../licences/recommend';
import { FEATURE_LABEL, FEATURES, STATUS_LABEL, STATUSES } from '../usage/activity';
import { defaultDir, PAGE_SIZE, type UsageParams, usageUrl } from '../usage/query-params';
import { SELECT_FORM_ID, userRowsHtml } from './usage-rows';

export const RESULTS_ID = 'usage-results';
const FILTERS_ID = 'usage-filters';

/** htmx attributes shared by every link and control that refreshes the results. */
const swap = (url: string) => ({
  'hx-get': url,
  'hx-target': `#${RESULTS_ID}`,
  'hx-swap': 'outerHTML',
  'hx-push-url': 'true',
});

export const ANNOUNCE_ID = 'usage-announce';

/** The one short sentence a screen reader hears after a search, filter, sort or page change. */
export function resultsSummary(total: number, page: number, rowsShown: number): string {
  if (total === 0) return 'No users match.';
  const first = (page - 1) * PAGE_SIZE + 1;
  const users = `${total} user${total === 1 ? '' : 's'}`;
  return rowsShown === 0 || rowsShown >= total
    ? `${users}.`
    : `${users}, showing ${first} to ${first + rowsShown - 1}.`;
}

/**
 * The polite live region: the only part of the usage page announced on change (never the whole table).
 * It stays in place; fragment responses refill it out of band, so screen readers hear the new text.
 */
export function ResultsAnnouncement({ text, oob = false }: { text: string; oob?: boolean }) {
  return (
    <p
      id={ANNOUNCE_ID}
      class="visually-hidden"
      role="status"
      aria-live="polite"
      hx-swap-oob={oob ? 'innerHTML' : undefined}
    >
      {text}
    </p>
  );
}

/** The form the reclaim checkboxes belong to (they sit in the table, the form beside it). */
export { SELECT_FORM_ID };

export function UsageFilters({ params }: { params: UsageParams }) {
  const onForm = swap('/usage/users');
  // htmx 4 sends no enclosing form values on a control's GET, so each control includes the form, plus
  // the sort inputs that live in the results fragment and join the form through form="usage-filters".
  const refresh = { ...onForm, 'hx-include': `closest form, [form=${FILTERS_ID}]` };
  return (
    <form
      id={FILTERS_ID}
      class="usage-filters"
      method="get"
      action="/usage/users"
      aria-label="Filter users"
      {...onForm}
    >
      <label>
        Search{' '}
        <input
          type="search"
          name="q"
          value={params.q}
          maxlength={200}
          placeholder="Name or e-mail"
          autocomplete="off"
          {...refresh}
          hx-trigger="input changed delay:300ms"
        />
      </label>
      <label>
        Status{' '}
        <select name="status" {...refresh} hx-trigger="change">
          <option value="all" selected={params.status === 'all'}>
            All
          </option>
          {STATUSES.map((s) => (
            <option value={s} selected={params.status === s}>
              {STATUS_LABEL[s]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Used feature{' '}
        <select name="feature" {...refresh} hx-trigger="change">
          <option value="" selected={!params.feature}>
            Any
          </option>
          {FEATURES.map((f) => (
            <option value={f} selected={params.feature === f}>
              {FEATURE_LABEL[f]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Recommendation{' '}
        <select name="recommendation" {...refresh} hx-trigger="change">
          <option value="" selected={!params.recommendation}>
            Any
          </option>
          {RECOMMENDATIONS.map((r) => (
            <option value={r} selected={params.recommendation === r}>
              {RECOMMENDATION_LABEL[r]}
            </option>
          ))}
        </select>
      </label>
      {params.range !== undefined ? <input type="hidden" name="range" value={String(params.range)} /> : null}
      <button type="submit">Apply</button>
    </form>
  );
}

export interface UsageResultsProps {
  rows: UsageRow[];
  total: number;
  params: UsageParams;
  now: number;
  periodDays: number;
  recommend: RecommendationContext;
  /** Show reclaim checkboxes (an admin who allowed removal). */
  canSelect?: boolean;
  /** Offer the full history archive (admins: `GET /export/bluejeans.zip` refuses anyone else). */
  canArchive?: boolean;
}

export function UsageResults({
  rows,
  total,
  params,
  now,
  periodDays,
  recommend,
  canSelect = false,
  canArchive = false,
}: UsageResultsProps) {
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const firstIndex = (params.page - 1) * PAGE_SIZE;
  return (
    <section id={RESULTS_ID} aria-labelledby="usage-results-title">
      {/* Sort travels with the filter form (form= links these inputs to it), so filtering keeps the order. */}
      {params.sort !== 'name' ? (
        <input type="hidden" form={FILTERS_ID} name="sort" value={params.sort} />
      ) : null}
      {params.dir !== defaultDir(params.sort) ? (
        <input type="hidden" form={FILTERS_ID} name="dir" value={params.dir} />
      ) : null}
      <h2 id="usage-results-title" class="usage-count">
        {total === 0
          ? 'No users match'
          : `${firstIndex + 1}–${firstIndex + rows.length} of ${total} user${total === 1 ? '' : 's'}`}
      </h2>
      {total > 0 ? (
        <p class="usage-export">
          {/* Every page of the current filters and order, not just this one. */}
          <a href={usageUrl(params, { page: 1, range: undefined }, '/usage/users.csv')} download>
            {total === 1 ? 'Export this user as CSV' : `Export these ${total} users as CSV`}
          </a>
          {canArchive ? (
            <>
              {' · '}
              <a href="/export/bluejeans.zip" download>
                Download the full BlueJeans history (.zip)
              </a>
            </>
          ) : null}
        </p>
      ) : null}
      {canSelect && total > 0 ? <SelectionForm params={params} total={total} /> : null}
      {rows.length === 0 ? (
        <p class="muted">
          {total > 0 ? (
            <>
              There is no page {params.page}. <a href={usageUrl(params, { page: 1 })}>Go to the first page</a>
              .
            </>
          ) : (
            <>
              No user matches these filters.{' '}
              <a
                href={usageUrl(params, {
                  q: '',
                  status: 'all',
                  feature: undefined,
                  recommendation: undefined,
                  page: 1,
                })}
              >
                Clear filters
              </a>
              .
            </>
          )}
        </p>
      ) : (
        // Focusable, so a keyboard can scroll it on screens too narrow for every column.
        <section class="table-scroll" id="usage-table-scroll" tabindex={0} aria-label="Users table">
          <table class={canSelect ? 'usage-table users-table has-select' : 'usage-table users-table'}>
            <caption class="visually-hidden">{`Licensed BlueJeans users; counts over the last ${periodDays} days. Every column heading sorts the table.`}</caption>
            <thead>
              <tr>
                {canSelect ? (
                  <th scope="col" class="col-select">
                    <span class="visually-hidden">Select</span>
                  </th>
                ) : null}
                <SortHeader label="Name" sort="name" params={params} />
                <SortHeader label="E-mail" sort="email" params={params} />
                <SortHeader label="Status" sort="status" params={params} />
                <SortHeader label="Recommendation" sort="recommendation" params={params} />
                <SortHeader label="Last active" sort="last_active" params={params} />
                <SortHeader label="Hosted" sort="meetings" params={params} />
                <SortHeader label="Attended" sort="attended" params={params} />
                <SortHeader label="Minutes" sort="minutes" params={params} />
                <SortHeader label="Features" sort="features" params={params} />
              </tr>
            </thead>
            <tbody>{userRowsHtml(rows, now, recommend, canSelect)}</tbody>
          </table>
        </section>
      )}
      {rows.length > 0 ? (
        <p class="muted table-note" id="usage-columns-note">
          Hosted, Attended and Minutes count meetings in the period; Features shows, for each feature used,
          how many hosted meetings used it (Details lists all six). Select a column heading to sort by it.
        </p>
      ) : null}
      {pages > 1 ? <Pager params={params} pages={pages} /> : null}
    </section>
  );
}

/**
 * Posts the checked users (or every reclaim recommendation of the current filters) to the review step.
 * Nothing is removed from here: `POST /licences/reclaim` without `confirm` only shows the review.
 */
function SelectionForm({ params, total }: { params: UsageParams; total: number }) {
  return (
    <form id={SELECT_FORM_ID} class="reclaim-select" method="post" action="/licences/reclaim">
      <button type="submit" name="step" value="review">
        Review selected users for removal
      </button>
      {params.recommendation === 'reclaim' ? (
        <>
          {' '}
          <input type="hidden" name="q" value={params.q} />
          <input type="hidden" name="status" value={params.status} />
          {params.feature ? <input type="hidden" name="feature" value={params.feature} /> : null}
          <button type="submit" name="all" value="reclaim">
            {`Review all ${total} reclaim recommendation${total === 1 ? '' : 's'}`}
          </button>
        </>
      ) : null}
    </form>
  );
}

/** A header link that sorts by its column; on the current column it flips the direction. */
function SortHeader({ label, sort, params }: { label: string; sort: UsageSort; params: UsageParams }) {
  const current = params.sort === sort;
  const nextDir = current ? (params.dir === 'asc' ? 'desc' : 'asc') : defaultDir(sort);
  const url = usageUrl(params, { sort, dir: nextDir, page: 1 });
  const numeric = sort === 'meetings' || sort === 'attended' || sort === 'minutes';
  return (
    <th
      scope="col"
      class={numeric ? 'num' : undefined}
      aria-sort={current ? (params.dir === 'asc' ? 'ascending' : 'descending') : undefined}
    >
      {/* A stable id: htmx puts focus back on the element with the focused element's id after the swap. */}
      <a href={url} id={`sort-${sort}`} {...swap(url)}>
        {label}
        {current ? <span aria-hidden="true">{params.dir === 'asc' ? ' ▲' : ' ▼'}</span> : null}
      </a>
    </th>
  );
}

function Pager({ params, pages }: { params: UsageParams; pages: number }) {
  const prev = params.page > 1 ? usageUrl(params, { page: Math.min(params.page - 1, pages) }) : undefined;
  const next = params.page < pages ? usageUrl(params, { page: params.page + 1 }) : undefined;
  // At either end the missing link keeps its id on a focusable placeholder, so focus after a swap
  // lands where the pressed link was (htmx refocuses by id) instead of dropping to the top.
  return (
    <nav class="pager" aria-label="Pages">
      {prev ? (
        <a href={prev} rel="prev" id="pager-prev" {...swap(prev)}>
          ← Previous
        </a>
      ) : (
        <span id="pager-prev" class="muted" tabindex={-1} aria-disabled="true">
          ← Previous
        </span>
      )}
      <span>{`Page ${Math.min(params.page, pages)} of ${pages}`}</span>
      {next ? (
        <a href={next} rel="next" id="pager-next" {...swap(next)}>
          Next →
        </a>
      ) : (
        <span id="pager-next" class="muted" tabindex={-1} aria-disabled="true">
          Next →
        </span>
      )}
    </nav>
  );
}
