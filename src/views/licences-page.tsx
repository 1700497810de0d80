/**
 * `GET /licences`: seats and what unused ones cost, BlueJeans' plan terms over the synced months, and
 * the licence settings form (admins only). Every figure links to the users table filtered to it.
 */

import type { Child } from 'hono/jsx';
import type { Role } from '../lib/roles';
import { formatMoney, toDecimalString } from '../licences/money';
import { PSTN_SURCHARGE_PERCENT } from '../licences/plan-terms';
import { BILLINGS, type FieldErrors, PLAN_LABEL, PLANS, type SettingsFormInput } from '../licences/settings';
import type { LicenceSummary } from '../licences/summary';
import type { Freshness } from '../usage/freshness';
import { formatDate } from './format';
import { Layout } from './layout';
import { UsageFreshness } from './usage-freshness';

export interface LicencesModel {
  /** The reader's role (the page's navigation). */
  role?: Role;
  /** Data as of, a running sync, a disconnected account (src/views/usage-freshness.tsx). */
  freshness?: Freshness;
  summary: LicenceSummary;
  canEdit: boolean;
  /** The refused form as typed, with a message per field. */
  form?: SettingsFormInput;
  errors?: FieldErrors;
  notice?: string;
  jobs?: Child;
}

const money = (minor: bigint | null, currency: string) =>
  minor == null ? null : formatMoney(minor, currency);

export function LicencesPage({ model }: { model: LicencesModel }) {
  return (
    <Layout title="Licences and savings" role={model.role}>
      <h1>Licences and savings</h1>
      {model.freshness ? <UsageFreshness f={model.freshness} pageUrl="/licences" /> : null}
      <LicencesBody model={model} />
    </Layout>
  );
}

function periodLabel(s: LicenceSummary): string {
  if (!s.period) return 'No synced data yet.';
  return `Covers ${formatDate(s.period.from)} to ${formatDate(s.period.to)}${
    s.dataAsOf ? `; data as of ${formatDate(s.dataAsOf)}` : ''
  }.`;
}

export function LicencesBody({ model }: { model: LicencesModel }) {
  const s = model.summary;
  const { currency } = s.settings;
  const noPrice = 'set a price below';
  const tiles: { label: string; value: string; hint?: string; href?: string }[] = [
    {
      label: 'Seats purchased',
      value: s.settings.seatsPurchased == null ? '—' : String(s.settings.seatsPurchased),
      hint: s.settings.seatsPurchased == null ? 'enter it below' : undefined,
    },
    { label: 'Licensed users', value: String(s.licensedUsers), href: '/usage/users' },
    {
      label: 'Active hosts (peak month)',
      value: String(s.peakHosts),
      hint: 'distinct hosts',
      href: '/usage/users?recommendation=keep',
    },
    {
      label: 'Reclaimable',
      value: String(s.reclaimable),
      hint: `no meeting in ${s.scope.thresholdDays} days`,
      href: '/usage/users?recommendation=reclaim',
    },
    {
      label: 'Attendee only',
      value: String(s.attendeeOnly),
      hint: 'attend, never host',
      href: '/usage/users?recommendation=attendee_only',
    },
    {
      label: 'Potential savings / year',
      value: money(s.potentialSavingsMinor, currency) ?? '—',
      hint:
        s.potentialSavingsMinor == null
          ? noPrice
          : `${s.reclaimable} × ${money(s.annualSeatMinor, currency)}`,
      href: '/usage/users?recommendation=reclaim',
    },
    {
      label: 'Realized savings / year',
      value: money(s.realizedSavingsMinor, currency) ?? '—',
      hint: `${s.reclaimedSeats} seat${s.reclaimedSeats === 1 ? '' : 's'} reclaimed through Seatwise`,
      href: '/usage/users?status=removed',
    },
  ];
  return (
    <div id="licences-body">
      {model.notice ? (
        <p class="notice" role="status">
          {model.notice}
        </p>
      ) : null}
      <ul class="usage-tiles" aria-label="Seats and savings">
        {tiles.map((t) => (
          <li class="tile" data-figure={t.label}>
            <span class="tile-value">{t.href ? <a href={t.href}>{t.value}</a> : t.value}</span>
            <span class="tile-label">{t.label}</span>
            {t.hint ? <span class="muted tile-hint">{t.hint}</span> : null}
          </li>
        ))}
      </ul>
      <PlanTerms s={s} />
      {model.jobs ?? null}
      {model.canEdit ? (
        <SettingsForm s={s} form={model.form} errors={model.errors ?? {}} />
      ) : (
        <p class="muted">Only an admin can change the licence settings or reclaim seats.</p>
      )}
    </div>
  );
}

function PlanTerms({ s }: { s: LicenceSummary }) {
  const { currency } = s.settings;
  return (
    <section class="card" aria-labelledby="plan-terms-title">
      <h2 id="plan-terms-title">BlueJeans plan terms</h2>
      <p class="muted">{periodLabel(s)}</p>
      <h3>Active hosts per month</h3>
      <MonthChart points={s.activeHosts} />
      {s.basis ? (
        <p>
          {`Active-host basis: ${s.basis.basis} (the average of the ${s.basis.top.length === 3 ? 'three' : s.basis.top.length} largest month${s.basis.top.length === 1 ? '' : 's'}: ${s.basis.top.map((m) => `${m.month} ${m.hosts}`).join(', ')})`}
          {s.basis.partial ? ' — fewer than three months synced so far.' : '.'}
          {s.projectedRenewalMinor != null
            ? ` Projected active-host renewal: ${s.basis.billedHosts} hosts × ${money(s.annualSeatMinor, currency)} = ${money(s.projectedRenewalMinor, currency)} a year.`
            : ' Set a seat price to see the projected renewal cost.'}
        </p>
      ) : (
        <p class="muted">No hosted meetings synced yet.</p>
      )}
      <p>
        {`Renewal sizing: peak ${s.peakHosts} active hosts + ${s.settings.renewalBuffer}% buffer = ${s.recommendedSeats} seats recommended`}
        {s.settings.seatsPurchased != null
          ? `, against ${s.settings.seatsPurchased} purchased (${s.settings.seatsPurchased - s.recommendedSeats >= 0 ? `${s.settings.seatsPurchased - s.recommendedSeats} more than needed` : `${s.recommendedSeats - s.settings.seatsPurchased} short`}).`
          : '.'}
        {s.settings.renewalDate ? ` Renewal on ${s.settings.renewalDate}.` : ''}
      </p>
      <h3>PSTN share of minutes per month</h3>
      <p class="muted">{`A surcharge applies to months where PSTN minutes exceed ${PSTN_SURCHARGE_PERCENT}% of all minutes.`}</p>
      {/* Focusable, so a keyboard can scroll it where it is wider than a phone. */}
      <section class="table-scroll" tabindex={0} aria-label="PSTN share per month">
        <table class="usage-table" id="pstn-share">
          <thead>
            <tr>
              <th scope="col">Month</th>
              <th scope="col" class="num">
                PSTN minutes
              </th>
              <th scope="col" class="num">
                All minutes
              </th>
              <th scope="col" class="num">
                Share
              </th>
              <th scope="col">Surcharge</th>
            </tr>
          </thead>
          <tbody>
            {s.pstn.map((m) => (
              <tr data-over={m.over ? 'yes' : 'no'}>
                <th scope="row">{m.month}</th>
                <td class="num">{m.pstnMinutes}</td>
                <td class="num">{m.totalMinutes}</td>
                <td class="num">{m.percent}</td>
                <td>{m.over ? <span class="badge bad">over 35%</span> : <span class="muted">no</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </section>
  );
}

/** Distinct hosts per month as an inline SVG, with the exact figures in a table beside it. */
function MonthChart({ points }: { points: { month: string; hosts: number }[] }) {
  if (points.length === 0) return <p class="muted">No months synced yet.</p>;
  const W = 640;
  const H = 160;
  const pad = 28;
  const max = Math.max(1, ...points.map((p) => p.hosts));
  const slot = (W - 2 * pad) / points.length;
  const desc = points.map((p) => `${p.month}: ${p.hosts}`).join('; ');
  return (
    <figure class="chart" id="active-hosts-chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="ah-title ah-desc" preserveAspectRatio="none">
        <title id="ah-title">Distinct hosts per month</title>
        <desc id="ah-desc">{desc}</desc>
        {points.map((p, i) => {
          const h = ((H - 2 * pad) * p.hosts) / max;
          return (
            <g>
              <rect
                class="bar"
                x={pad + i * slot + slot * 0.15}
                y={H - pad - h}
                width={slot * 0.7}
                height={h}
              />
              <text x={pad + i * slot + slot / 2} y={H - 8} text-anchor="middle">
                {p.month}
              </text>
              <text x={pad + i * slot + slot / 2} y={H - pad - h - 4} text-anchor="middle">
                {String(p.hosts)}
              </text>
            </g>
          );
        })}
      </svg>
      <section class="table-scroll" tabindex={0} aria-label="Distinct hosts per month">
        <table class="usage-table" id="active-hosts">
          <caption>Distinct hosts per month (table)</caption>
          <thead>
            <tr>
              <th scope="col">Month</th>
              <th scope="col" class="num">
                Hosts
              </th>
            </tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr>
                <th scope="row">{p.month}</th>
                <td class="num">{p.hosts}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </figure>
  );
}

function FieldError({ name, errors }: { name: keyof FieldErrors; errors: FieldErrors }) {
  const message = errors[name];
  return message ? (
    <span class="error" id={`${name}-error`} role="alert">
      {message}
    </span>
  ) : null;
}

const invalid = (name: keyof FieldErrors, errors: FieldErrors) =>
  errors[name] ? { 'aria-invalid': 'true', 'aria-describedby': `${name}-error` } : {};

function SettingsForm({
  s,
  form,
  errors,
}: {
  s: LicenceSummary;
  form?: SettingsFormInput;
  errors: FieldErrors;
}) {
  const st = s.settings;
  const v = {
    plan: form?.plan ?? st.plan,
    seatPrice:
      form?.seatPrice ?? (st.seatPriceMinor == null ? '' : toDecimalString(st.seatPriceMinor, st.currency)),
    billing: form?.billing ?? st.billing,
    currency: form?.currency ?? st.currency,
    seatsPurchased: form?.seatsPurchased ?? (st.seatsPurchased == null ? '' : String(st.seatsPurchased)),
    renewalDate: form?.renewalDate ?? st.renewalDate ?? '',
    graceDays: form?.graceDays ?? String(st.graceDays),
    renewalBuffer: form?.renewalBuffer ?? String(st.renewalBuffer),
    exempt: form?.exempt ?? st.exempt.join('\n'),
    allowRemoval: form?.allowRemoval ?? (st.allowRemoval ? 'yes' : 'no'),
  };
  return (
    <section class="card" aria-labelledby="licence-settings-title">
      <h2 id="licence-settings-title">Licence settings</h2>
      {Object.keys(errors).length > 0 ? (
        <p class="error" role="alert">
          Nothing was saved: fix the fields marked below.
        </p>
      ) : null}
      <form class="licence-settings" method="post" action="/licences/settings">
        <label>
          Plan{' '}
          <select name="plan" {...invalid('plan', errors)}>
            {PLANS.map((p) => (
              <option value={p} selected={v.plan === p}>
                {PLAN_LABEL[p]}
              </option>
            ))}
          </select>
        </label>
        <FieldError name="plan" errors={errors} />
        <label>
          Price per seat{' '}
          <input name="seatPrice" value={v.seatPrice} inputmode="decimal" {...invalid('seatPrice', errors)} />
        </label>
        <FieldError name="seatPrice" errors={errors} />
        <label>
          Currency{' '}
          <input name="currency" value={v.currency} maxlength={3} size={4} {...invalid('currency', errors)} />
        </label>
        <FieldError name="currency" errors={errors} />
        <label>
          Billed{' '}
          <select name="billing" {...invalid('billing', errors)}>
            {BILLINGS.map((b) => (
              <option value={b} selected={v.billing === b}>
                {b === 'monthly' ? 'per month' : 'per year'}
              </option>
            ))}
          </select>
        </label>
        <FieldError name="billing" errors={errors} />
        <label>
          Seats purchased{' '}
          <input
            name="seatsPurchased"
            value={v.seatsPurchased}
            inputmode="numeric"
            {...invalid('seatsPurchased', errors)}
          />
        </label>
        <FieldError name="seatsPurchased" errors={errors} />
        <label>
          Renewal date{' '}
          <input
            name="renewalDate"
            value={v.renewalDate}
            placeholder="YYYY-MM-DD"
            {...invalid('renewalDate', errors)}
          />
        </label>
        <FieldError name="renewalDate" errors={errors} />
        <label>
          Grace days for new users{' '}
          <input name="graceDays" value={v.graceDays} inputmode="numeric" {...invalid('graceDays', errors)} />
        </label>
        <FieldError name="graceDays" errors={errors} />
        <label>
          Renewal buffer (%){' '}
          <input
            name="renewalBuffer"
            value={v.renewalBuffer}
            inputmode="numeric"
            {...invalid('renewalBuffer', errors)}
          />
        </label>
        <FieldError name="renewalBuffer" errors={errors} />
        <label>
          Exempt (one e-mail or @domain a line: service accounts, executives)
          <textarea name="exempt" rows={4} {...invalid('exempt', errors)}>
            {v.exempt}
          </textarea>
        </label>
        <FieldError name="exempt" errors={errors} />
        <fieldset>
          <legend>Removing users</legend>
          <label>
            <input type="radio" name="allowRemoval" value="no" checked={v.allowRemoval !== 'yes'} /> Seatwise
            only reads (the default)
          </label>
          <label>
            <input type="radio" name="allowRemoval" value="yes" checked={v.allowRemoval === 'yes'} /> Allow
            Seatwise to remove users you approve (each removal is reviewed, confirmed and logged; revocable
            here)
          </label>
        </fieldset>
        <FieldError name="allowRemoval" errors={errors} />
        <button type="submit">Save settings</button>
      </form>
    </section>
  );
}
