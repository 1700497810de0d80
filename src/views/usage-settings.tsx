/** The inactivity threshold form (30/60/90 days); works as a plain POST and with htmx. */
import { THRESHOLDS } from '../usage/activity';

export interface ThresholdFormProps {
  current: number;
  /** Where the result goes with htmx (the whole usage body: every status depends on it). */
  target: string;
  error?: string;
}

export function ThresholdForm({ current, target, error }: ThresholdFormProps) {
  return (
    <form
      class="usage-settings"
      method="post"
      action="/usage/settings"
      hx-post="/usage/settings"
      hx-target={target}
      hx-swap="outerHTML"
      hx-disable="find button"
    >
      <label for="inactive-after-days">Inactive after</label>{' '}
      <select
        id="inactive-after-days"
        name="inactiveAfterDays"
        aria-invalid={error ? 'true' : undefined}
        aria-describedby={error ? 'inactive-after-days-error' : undefined}
      >
        {THRESHOLDS.map((d) => (
          <option value={String(d)} selected={d === current}>
            {`${d} days`}
          </option>
        ))}
      </select>{' '}
      <button type="submit">Save</button>
      {error ? (
        <p class="error" id="inactive-after-days-error" role="alert">
          {error}
        </p>
      ) : null}
    </form>
  );
}
