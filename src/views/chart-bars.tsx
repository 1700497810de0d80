/**
 * A server-drawn column chart (inline SVG, no script: the CSP allows none inline).
 * The SVG is one labelled image; the exact figures are in a visually hidden table.
 */
import type { ChartPoint } from '../usage/charts';

export interface BarChartProps {
  /** Unique within the page; prefixes the ids that label the SVG. */
  id: string;
  title: string;
  /** What one value counts, e.g. "active users". */
  unit: string;
  points: ChartPoint[];
}

const W = 640;
const H = 180;
const PAD = { top: 12, right: 8, bottom: 22, left: 40 };

/** A round axis maximum (1, 2 or 5 times a power of ten) at or above the largest value. */
export function niceMax(max: number): number {
  if (max <= 0) return 1;
  const pow = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 5, 10]) if (step * pow >= max) return step * pow;
  return 10 * pow;
}

/** One sentence a screen reader can use in place of the picture. */
export function summarize(points: ChartPoint[], unit: string): string {
  const known = points.filter((p): p is { label: string; value: number } => p.value != null);
  if (known.length === 0) return `No ${unit} data for this period.`;
  const peak = known.reduce((a, b) => (b.value > a.value ? b : a));
  const avg = Math.round(known.reduce((s, p) => s + p.value, 0) / known.length);
  return `Average ${avg} ${unit} a day over ${known.length} days with data; peak ${peak.value} on ${peak.label}.`;
}

export function BarChart({ id, title, unit, points }: BarChartProps) {
  const hasData = points.some((p) => p.value != null);
  const description = summarize(points, unit);
  if (!hasData) {
    return (
      <figure class="chart" id={id}>
        <figcaption>{title}</figcaption>
        <p class="muted chart-empty">No daily analytics synced for this period yet.</p>
      </figure>
    );
  }
  const max = niceMax(Math.max(...points.map((p) => p.value ?? 0)));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / points.length;
  const barW = Math.max(1, slot * 0.7);
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const first = points[0]?.label ?? '';
  const last = points[points.length - 1]?.label ?? '';
  return (
    <figure class="chart" id={id}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby={`${id}-svg-title ${id}-svg-desc`}
        preserveAspectRatio="none"
      >
        <title id={`${id}-svg-title`}>{title}</title>
        <desc id={`${id}-svg-desc`}>{description}</desc>
        <g class="axis">
          <line x1={PAD.left} x2={W - PAD.right} y1={y(0)} y2={y(0)} />
          <line x1={PAD.left} x2={W - PAD.right} y1={y(max)} y2={y(max)} class="grid" />
          <text x={PAD.left - 4} y={y(max) + 4} text-anchor="end">
            {max}
          </text>
          <text x={PAD.left - 4} y={y(0) + 4} text-anchor="end">
            0
          </text>
          <text x={PAD.left} y={H - 4}>
            {first}
          </text>
          <text x={W - PAD.right} y={H - 4} text-anchor="end">
            {last}
          </text>
        </g>
        <g class="bars">
          {points.map((p, i) =>
            p.value == null ? null : (
              <rect
                x={(PAD.left + i * slot + (slot - barW) / 2).toFixed(1)}
                y={y(p.value).toFixed(1)}
                width={barW.toFixed(1)}
                height={(y(0) - y(p.value)).toFixed(1)}
              >
                <title>{`${p.label}: ${p.value} ${unit}`}</title>
              </rect>
            ),
          )}
        </g>
      </svg>
      <div class="visually-hidden">
        <table>
          <caption>{`${title} (data table)`}</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">{unit}</th>
            </tr>
          </thead>
          <tbody>
            {points.map((p) => (
              <tr>
                <th scope="row">{p.label}</th>
                <td>{p.value == null ? 'no data' : p.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
