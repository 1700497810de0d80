import { describe, expect, it } from 'vitest';
import { createSimulator } from '../../sim/index';
import { appToken, getJson } from './helpers';

const ANCHOR = Date.UTC(2026, 0, 15);

describe('a 10,000-user, ~1,000,000-meeting enterprise', () => {
  it('serves first, middle, last and past-the-end pages without materialising the data set', async () => {
    const sim = createSimulator({
      users: 10_000,
      days: 100,
      meetingsPerDay: 10_000,
      now: () => ANCHOR,
      anchor: ANCHOR,
    });
    const token = await appToken(sim);
    const e = sim.enterpriseId;
    const heapBefore = process.memoryUsage().heapUsed;
    const head = await getJson<{ count: number; meetings: { meetingUUID: string; startTime: number }[] }>(
      sim,
      `/v1/enterprise/${e}/indigo/meetings?limit=100&count=true`,
      token,
    );
    expect(head.count).toBeGreaterThan(950_000);
    expect(head.count).toBeLessThan(1_050_000);
    const lastPage = Math.ceil(head.count / 100) - 1;
    const started = performance.now();
    const middle = await getJson<{ meetings: { startTime: number }[] }>(
      sim,
      `/v1/enterprise/${e}/indigo/meetings?limit=100&offset=${Math.floor(lastPage / 2)}`,
      token,
    );
    const last = await getJson<{ meetings: { meetingUUID: string; startTime: number; endTime: number }[] }>(
      sim,
      `/v1/enterprise/${e}/indigo/meetings?limit=100&offset=${lastPage}`,
      token,
    );
    const past = await getJson<{ meetings: unknown[] }>(
      sim,
      `/v1/enterprise/${e}/indigo/meetings?limit=100&offset=${lastPage + 1}`,
      token,
    );
    const history = await getJson<unknown[]>(
      sim,
      `/v1/enterprise/${e}/meeting_history?pageSize=100&pageNumber=${Math.floor(lastPage / 3)}`,
      token,
    );
    const users = await getJson<{ count: number; user: unknown[] }>(
      sim,
      `/v1/enterprise/${e}/users?pageSize=100&pageNumber=70`,
      token,
    );
    const elapsed = performance.now() - started;

    expect(middle.meetings).toHaveLength(100);
    expect(last.meetings).toHaveLength(head.count - lastPage * 100);
    expect(past.meetings).toEqual([]);
    expect(history).toHaveLength(100);
    expect(users.user).toHaveLength(100);
    expect(users.count).toBeGreaterThan(9000);
    const lastMeeting = last.meetings[last.meetings.length - 1];
    expect(lastMeeting?.endTime).toBeLessThanOrEqual(ANCHOR);
    expect((head.meetings[0]?.startTime ?? 0) < (middle.meetings[0]?.startTime ?? 0)).toBe(true);
    // A UUID leads straight back to its meeting.
    const detail = await getJson<{ meetingUUID: string }>(
      sim,
      `/v1/enterprise/${e}/indigo/meetings/${lastMeeting?.meetingUUID}`,
      token,
    );
    expect(detail.meetingUUID).toBe(lastMeeting?.meetingUUID);
    // Generous bounds: a page costs milliseconds and a few MB at most, never the data set.
    expect(elapsed).toBeLessThan(10_000);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(150 * 1024 * 1024);
  }, 60_000);
});
