/**
 * The usage table's row as JSX: how the row was written before it became string building
 * (src/views/usage-rows.ts). Kept here as the reference the string renderer must equal
 * (test/usage/rows-html.test.ts); change both together.
 */
import type { UsageRow } from '../../db/queries/usage';
import {
  RECOMMENDATION_LABEL,
  type RecommendationContext,
  recommendationReason,
} from '../../src/licences/recommend';
import { FEATURE_LABEL, FEATURES, STATUS_LABEL, statusReason } from '../../src/usage/activity';
import { formatDate, isoTime } from '../../src/views/format';
import { FEATURE_SHORT, REC_TONE, SELECT_FORM_ID, TONE } from '../../src/views/usage-rows';

export function UserRow({
  row,
  now,
  recommend,
  canSelect,
}: {
  row: UsageRow;
  now: number;
  recommend: RecommendationContext;
  canSelect: boolean;
}) {
  const used = FEATURES.filter((f) => row.features[f] > 0);
  return (
    <tr data-status={row.status} data-recommendation={row.recommendation ?? 'none'}>
      {canSelect ? (
        <td class="col-select">
          {/* Exempt users (admins, the exemption list, the connecting account) are never removed. */}
          {row.recommendation && row.recommendation !== 'exempt' ? (
            <input
              type="checkbox"
              form={SELECT_FORM_ID}
              name="userId"
              value={row.userId}
              aria-label={`Select ${row.name}`}
            />
          ) : null}
        </td>
      ) : null}
      <th scope="row" class="col-name">
        {row.name}
        {row.isAdmin ? (
          <>
            {' '}
            <span class="badge idle">Admin</span>
          </>
        ) : null}
        <details class="row-details">
          <summary>
            Details<span class="visually-hidden">{` of ${row.name}`}</span>
          </summary>
          <dl>
            <dt>Username</dt>
            <dd>{row.username}</dd>
            <dt>Joined</dt>
            <dd>{row.joinedAt != null ? formatDate(row.joinedAt) : 'unknown'}</dd>
            {FEATURES.map((f) => (
              <>
                <dt>{FEATURE_LABEL[f]}</dt>
                <dd>{`${row.features[f]} meeting${row.features[f] === 1 ? '' : 's'}`}</dd>
              </>
            ))}
          </dl>
        </details>
      </th>
      {/* No label on narrow screens: an address explains itself. */}
      <td>{row.email ?? <span class="muted">none</span>}</td>
      <td data-label="Status">
        <span class={`badge ${TONE[row.status]}`}>{STATUS_LABEL[row.status]}</span>{' '}
        <span class="reason">{statusReason(row.status, row, now, { from: recommend.historyFrom })}</span>
      </td>
      <td data-label="Recommendation">
        {row.recommendation ? (
          <>
            <span class={`badge ${REC_TONE[row.recommendation]}`}>
              {RECOMMENDATION_LABEL[row.recommendation]}
            </span>{' '}
            <span class="reason">{recommendationReason(row.recommendation, row, recommend)}</span>
          </>
        ) : (
          <span class="muted">—</span>
        )}
      </td>
      <td data-label="Last active">
        {row.lastActiveAt != null ? (
          <time datetime={isoTime(row.lastActiveAt)}>{formatDate(row.lastActiveAt)}</time>
        ) : (
          <span class="muted">never</span>
        )}
      </td>
      <td class="num" data-label="Hosted">
        {row.meetingsHosted}
      </td>
      <td class="num" data-label="Attended">
        {row.meetingsAttended}
      </td>
      <td class="num" data-label="Minutes">
        {row.minutes}
      </td>
      <td data-label="Features" class="col-features">
        {used.length === 0 ? (
          <span class="muted">none</span>
        ) : (
          <ul class="feature-badges">
            {used.map((f) => (
              <li class="feat" title={`${FEATURE_LABEL[f]}: ${row.features[f]} hosted meetings`}>
                <span aria-hidden="true">{`${FEATURE_SHORT[f]} ${row.features[f]}`}</span>
                <span class="visually-hidden">{`${FEATURE_LABEL[f]}: ${row.features[f]}`}</span>
              </li>
            ))}
          </ul>
        )}
      </td>
    </tr>
  );
}
