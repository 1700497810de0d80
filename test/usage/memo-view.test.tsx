/**
 * Views kept per props (src/views/memo.ts) draw exactly what rendering them draws, for every props
 * they are given, and never another props' HTML (the usage page's tiles and adoption chart).
 */
import { describe, expect, it } from 'vitest';
import type { UsageSummary } from '../../db/queries/usage';
import { featureAdoption } from '../../src/usage/charts';
import { AdoptionChart } from '../../src/views/chart-adoption';
import { memoizedView } from '../../src/views/memo';
import { UsageTiles } from '../../src/views/usage-tiles';

const html = (node: unknown) => String(node);

function summary(n: number): UsageSummary {
  return {
    total: n + 3,
    licensed: n + 2,
    active: n,
    inactive: 1,
    never: 1,
    removed: 1,
    activeUsing: {
      recording: n,
      content_share: Math.floor(n / 2),
      video_share: 0,
      pstn: 1,
      large_meeting: 0,
      personal: n > 2 ? 2 : 0,
    },
    recommendations: { reclaim: 1, attendee_only: n, keep: 1, exempt: 0, new: 1 },
  };
}

describe('memoizedView', () => {
  it('gives what rendering gives, per props, however often and in whatever order it is asked', () => {
    const Tiles = memoizedView(UsageTiles);
    const Adoption = memoizedView(AdoptionChart);
    const cases = [0, 1, 5, 5, 0, 12, 1].flatMap((n) => [30, 60].map((days) => ({ n, days })));
    for (const { n, days } of cases) {
      const s = summary(n);
      expect(html(<Tiles summary={s} thresholdDays={days} />)).toBe(
        html(<UsageTiles summary={s} thresholdDays={days} />),
      );
      const bars = featureAdoption(s);
      expect(html(<Adoption bars={bars} activeUsers={s.active} periodDays={days} />)).toBe(
        html(<AdoptionChart bars={bars} activeUsers={s.active} periodDays={days} />),
      );
    }
    // One entry per distinct props.
    expect(Tiles.kept()).toBe(8);
    expect(Adoption.kept()).toBe(8);
    // Inside a page, as a child: the same markup as the view itself there.
    expect(
      html(
        <div>
          <Tiles summary={summary(3)} thresholdDays={30} />
        </div>,
      ),
    ).toBe(
      html(
        <div>
          <UsageTiles summary={summary(3)} thresholdDays={30} />
        </div>,
      ),
    );
  });

  it('stays bounded, and hands an asynchronous view on without keeping it', async () => {
    const Tiles = memoizedView(UsageTiles, 3);
    for (let n = 0; n < 10; n++) html(<Tiles summary={summary(n)} thresholdDays={30} />);
    expect(Tiles.kept()).toBeLessThanOrEqual(3);
    const Later = memoizedView(async ({ text }: { text: string }) => <p>{text}</p>);
    expect(String(await (<div>{<Later text="a &amp; b" />}</div>).toString())).toBe(
      '<div><p>a &amp; b</p></div>',
    );
    expect(Later.kept()).toBe(0);
  });
});
