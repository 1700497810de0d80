/** Feature adoption as horizontal bars: the share of active users who used each feature. */
import type { ShareBar } from '../usage/charts';

export interface AdoptionChartProps {
  bars: ShareBar[];
  activeUsers: number;
  periodDays: number;
}

const W = 640;
const ROW = 26;
const LABEL_W = 130;
const VALUE_W = 90;

const percent = (share: number) => `${Math.round(share * 100)}%`;

export function AdoptionChart({ bars, activeUsers, periodDays }: AdoptionChartProps) {
  const title = `Feature adoption among active users, last ${periodDays} days`;
  if (activeUsers === 0) {
    return (
      <figure class="chart" id="chart-adoption">
        <figcaption>{title}</figcaption>
        <p class="muted chart-empty">No active users in this period, so no feature adoption to show.</p>
      </figure>
    );
  }
  const H = bars.length * ROW + 4;
  const plotW = W - LABEL_W - VALUE_W;
  const description = bars.map((b) => `${b.label} ${percent(b.share)} (${b.count})`).join(', ');
  return (
    <figure class="chart" id="chart-adoption">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby="chart-adoption-title chart-adoption-desc">
        <title id="chart-adoption-title">{title}</title>
        <desc id="chart-adoption-desc">{`Of ${activeUsers} active users: ${description}.`}</desc>
        <g>
          {bars.map((b, i) => (
            <g transform={`translate(0 ${i * ROW})`}>
              <text x={LABEL_W - 8} y={17} text-anchor="end">
                {b.label}
              </text>
              <rect x={LABEL_W} y={5} width={plotW} height={16} class="track" />
              <rect x={LABEL_W} y={5} width={(plotW * b.share).toFixed(1)} height={16} class="bar" />
              <text x={LABEL_W + plotW + 8} y={17}>
                {`${percent(b.share)} (${b.count})`}
              </text>
            </g>
          ))}
        </g>
      </svg>
      <div class="visually-hidden">
        <table>
          <caption>{`${title} (data table)`}</caption>
          <thead>
            <tr>
              <th scope="col">Feature</th>
              <th scope="col">Active users who used it</th>
              <th scope="col">Share of active users</th>
            </tr>
          </thead>
          <tbody>
            {bars.map((b) => (
              <tr>
                <th scope="row">{b.label}</th>
                <td>{b.count}</td>
                <td>{percent(b.share)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
