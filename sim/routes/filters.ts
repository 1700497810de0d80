import { z } from 'zod';
import type { MeetingShape } from '../data/meetings';
import type { EnterpriseModel } from '../data/model';
import type { MeetingRange } from '../data/window';
import { parseInstant } from '../lib/time';

/** One condition of the spec's `filter` JSON array (FilterObject / FilterHighLowTs). */
export interface FilterItem {
  type?: string | undefined;
  value: string | number;
  field: string;
  comparison: string;
}

const itemSchema = z.object({
  type: z.string().optional(),
  value: z.union([z.string(), z.number()]),
  field: z.string(),
  comparison: z.enum(['lt', 'le', 'gt', 'ge', 'eq', 'in']),
});

/** Parses a `filter` query parameter (a JSON array); a string result is the error message. */
export function parseFilter(raw: string | undefined): FilterItem[] | string {
  if (raw === undefined || raw.trim() === '') return [];
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return 'filter must be a JSON array of {type, value, field, comparison} objects';
  }
  const parsed = z.array(itemSchema).safeParse(json);
  if (!parsed.success) return 'filter must be a JSON array of {type, value, field, comparison} objects';
  return parsed.data;
}

type Bounds = Pick<MeetingRange, 'startFrom' | 'startBefore' | 'endAfter' | 'endBefore'>;

function tighten(b: Bounds, key: keyof Bounds, value: number): void {
  const cur = b[key];
  const lower = key === 'startFrom' || key === 'endAfter';
  if (cur === undefined || (lower ? value > cur : value < cur)) b[key] = value;
}

/**
 * Command Center's listing filter: startTime / endTime comparisons become range bounds; meetingUUID,
 * userId and enterpriseId (eq / in) become exact matches.
 */
export function meetingRangeFromFilter(items: FilterItem[], model: EnterpriseModel): MeetingRange | string {
  const bounds: Bounds = {};
  const matches: ((shape: MeetingShape) => boolean)[] = [];
  for (const item of items) {
    const values = item.comparison === 'in' ? String(item.value).split(',') : [String(item.value)];
    switch (item.field) {
      case 'startTime':
      case 'endTime': {
        const t = parseInstant(item.value);
        if (t === null) return `filter value for ${item.field} must be a date like 2018-06-05T00:00:00-07:00`;
        const start = item.field === 'startTime';
        switch (item.comparison) {
          case 'gt':
            tighten(bounds, start ? 'startFrom' : 'endAfter', start ? t + 1 : t);
            break;
          case 'ge':
            tighten(bounds, start ? 'startFrom' : 'endAfter', start ? t : t - 1);
            break;
          case 'lt':
            tighten(bounds, start ? 'startBefore' : 'endBefore', t);
            break;
          case 'le':
            tighten(bounds, start ? 'startBefore' : 'endBefore', t + 1);
            break;
          case 'eq':
            tighten(bounds, start ? 'startFrom' : 'endAfter', start ? t : t - 1);
            tighten(bounds, start ? 'startBefore' : 'endBefore', t + 1);
            break;
          default:
            return `comparison ${item.comparison} does not apply to ${item.field}`;
        }
        break;
      }
      case 'meetingUUID': {
        if (item.comparison !== 'eq' && item.comparison !== 'in') return 'meetingUUID supports eq and in';
        const slots = values.map((v) => model.meetings.slotOfUuid(v.trim())).filter((s) => s !== undefined);
        const keys = new Set(slots.map((s) => `${s.day}:${s.j}`));
        const only = slots.length === 1 ? slots[0] : undefined;
        if (only) {
          // One UUID pins the start time, so the listing shrinks to a one-second scan.
          const start = model.timeline.startOf(only.day, only.j);
          tighten(bounds, 'startFrom', start);
          tighten(bounds, 'startBefore', start + 1);
        }
        matches.push((s) => keys.has(`${s.day}:${s.j}`));
        break;
      }
      case 'userId': {
        if (item.comparison !== 'eq' && item.comparison !== 'in') return 'userId supports eq and in';
        const ids = new Set(values.map((v) => Number(v.trim())));
        matches.push((s) => ids.has(model.users.idBase + model.meetings.hostIndexOf(s, s.startTime)));
        break;
      }
      case 'enterpriseId': {
        const ours = values.some((v) => Number(v.trim()) === model.identity.id);
        if (!ours) matches.push(() => false);
        break;
      }
      default:
        return `Unsupported filter field: ${item.field}`;
    }
  }
  return matches.length > 0 ? { ...bounds, match: (s: MeetingShape) => matches.every((m) => m(s)) } : bounds;
}

/** The analytics filters: lowts / hights (or start_time / end_time) plus named string options. */
export interface AnalyticsWindow {
  low: number;
  high: number;
  options: Record<string, string>;
}

/** Reads an analytics window; a string result is the error message. */
export function analyticsWindow(
  items: FilterItem[],
  lowField: string,
  highField: string,
): AnalyticsWindow | string {
  let low: number | undefined;
  let high: number | undefined;
  const options: Record<string, string> = {};
  for (const item of items) {
    if (item.field === lowField || item.field === highField) {
      const t = parseInstant(item.value);
      if (t === null) return `filter value for ${item.field} must be a date like 2018-06-19T00:00:00-07:00`;
      if (item.field === lowField) low = item.comparison === 'gt' ? t + 1 : t;
      else high = item.comparison === 'lt' ? t - 1 : t;
    } else {
      options[item.field] = String(item.value);
    }
  }
  if (low === undefined || high === undefined)
    return `filter must bracket the period with ${lowField} and ${highField}`;
  if (high < low) return `${highField} must not be before ${lowField}`;
  return { low, high, options };
}
