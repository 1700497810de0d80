import { describe, expect, it } from 'vitest';
import { dailySeries, dayRange, featureAdoption } from '../../src/usage/charts';
import { AdoptionChart } from '../../src/views/chart-adoption';
import { BarChart, niceMax } from '../../src/views/chart-bars';
import { testApp } from '../helpers/deps';
import { seed } from './builders';

const NOW = Date.UTC(2026, 0, 15, 12);
const html = (node: unknown) => String(node);

describe('BarChart', () => {
  it('draws labelled bars with a hidden data table, and gaps for missing days', () => {
    const days = dayRange(NOW, 3);
    expect(days).toEqual(['2026-01-13', '2026-01-14', '2026-01-15']);
    const { activeUsers } = dailySeries(
      [
        { day: '2026-01-13', activeUsers: 4, meetings: 9 },
        { day: '2026-01-15', activeUsers: 10, meetings: 1 },
      ],
      days,
    );
    const out = html(<BarChart id="c" title="Daily active users" unit="active users" points={activeUsers} />);
    expect(out).toContain('role="img"');
    expect(out).toContain('aria-labelledby="c-svg-title c-svg-desc"');
    expect(out).toContain('<title id="c-svg-title">Daily active users</title>');
    expect(out).toContain('Average 7 active users a day over 2 days with data; peak 10 on 2026-01-15.');
    expect(out.match(/<rect /g)).toHaveLength(2);
    expect(out).toContain('<div class="visually-hidden"><table>');
    expect(out).toContain('<th scope="row">2026-01-14</th><td>no data</td>');
    expect(out).not.toContain('<script');
  });

  it('says so when there is no data', () => {
    const { meetings } = dailySeries([], dayRange(NOW, 30));
    const out = html(<BarChart id="m" title="Meetings" unit="meetings" points={meetings} />);
    expect(out).toContain('No daily analytics synced for this period yet.');
    expect(out).not.toContain('<svg');
  });

  it('rounds the axis up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 1, 3, 7, 10, 11, 240, 5001].map(niceMax)).toEqual([1, 1, 5, 10, 10, 20, 500, 10000]);
  });
});

describe('AdoptionChart', () => {
  const summary = {
    total: 5,
    licensed: 5,
    active: 4,
    inactive: 1,
    never: 0,
    removed: 0,
    activeUsing: { recording: 1, content_share: 4, video_share: 0, pstn: 2, large_meeting: 0, personal: 0 },
    recommendations: { reclaim: 1, attendee_only: 0, keep: 4, exempt: 0, new: 0 },
  };

  it('shows each feature as a share of active users, with a table alternative', () => {
    const out = html(<AdoptionChart bars={featureAdoption(summary)} activeUsers={4} periodDays={30} />);
    expect(out).toContain('role="img"');
    expect(out).toContain('Of 4 active users: Recording 25% (1), Content share 100% (4)');
    expect(out).toContain('<th scope="row">PSTN dial-in</th><td>2</td><td>50%</td>');
  });

  it('says so when nobody was active', () => {
    const none = { ...summary, active: 0 };
    const out = html(<AdoptionChart bars={featureAdoption(none)} activeUsers={0} periodDays={30} />);
    expect(out).toContain('No active users in this period');
  });
});

describe('charts on the page', () => {
  it('uses bj_daily_usage for the chosen range', async () => {
    const { deps, request } = await testApp();
    const s = await seed(deps.db, deps.clock.now());
    await s.user({ userId: 'a', lastActiveAt: s.ago(1) });
    await s.daily('2026-01-14', 12, 30);
    await s.daily('2025-11-01', 99, 99);
    const month = await (await request('/usage/users')).text();
    expect(month).toContain('peak 12 on 2026-01-14');
    expect(month).not.toContain('2025-11-01');
    const quarter = await (await request('/usage/users?range=90')).text();
    expect(quarter).toContain('Daily active users, last 90 days');
    expect(quarter).toContain('peak 99 on 2025-11-01');
    expect((await request('/usage/users?range=7')).status).toBe(400);
  });
});
