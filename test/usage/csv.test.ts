import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UsageRow } from '../../db/queries/usage';
import { csvCell, csvLine, formulaSafe } from '../../src/usage/csv';
import { CSV_HEADER, csvStream } from '../../src/usage/csv-export';
import { testApp } from '../helpers/deps';
import { seed } from './builders';

/** A small RFC 4180 parser, written for these tests only (records end in CRLF). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (ch === '"') {
        quoted = false;
        i += 1;
      } else {
        field += ch;
        i += 1;
      }
    } else if (ch === '"' && field === '') {
      quoted = true;
      i += 1;
    } else if (ch === ',') {
      record.push(field);
      field = '';
      i += 1;
    } else if (ch === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else {
      field += ch;
      i += 1;
    }
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  return records;
}

describe('CSV cells', () => {
  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(12)).toBe('12');
    expect(csvLine(['a', 1, null])).toBe('a,1,\r\n');
  });

  it('defuses cells a spreadsheet would run as formulas', () => {
    for (const evil of ['=HYPERLINK("x")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd']) {
      expect(parseCsv(csvLine([evil]))[0]?.[0]).toBe(`'${evil}`);
    }
    expect(csvCell('=1,2')).toBe(`"'=1,2"`);
    expect(csvCell(-3)).toBe('-3');
  });

  it('round-trips any string through a parser (after formula defusing)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 6 }), (cells) => {
        const parsed = parseCsv(csvLine(cells) + csvLine(cells));
        const expected = cells.map(formulaSafe);
        expect(parsed).toEqual([expected, expected]);
      }),
      { numRuns: 500 },
    );
  });
});

describe('csvStream', () => {
  const row = (i: number): UsageRow => ({
    userId: `u${i}`,
    username: `u${i}`,
    name: `User ${i}`,
    email: `u${i}@example.com`,
    isAdmin: false,
    joinedAt: 0,
    removedAt: null,
    lastActiveAt: null,
    status: 'never',
    meetingsHosted: 0,
    meetingsAttended: 0,
    minutes: 0,
    features: { recording: 0, content_share: 0, video_share: 0, pstn: 0, large_meeting: 0, personal: 0 },
    recommendation: 'reclaim',
    reclaimedAt: null,
    reclaimedBy: null,
  });

  it('reads page after page up to the total, one page per pull', async () => {
    const calls: number[] = [];
    const stream = csvStream(
      async (offset, limit) => {
        calls.push(offset);
        const rows = Array.from({ length: Math.max(0, Math.min(limit, 7 - offset)) }, (_, k) =>
          row(offset + k),
        );
        return { rows, total: 7 };
      },
      0,
      3,
    );
    const text = await new Response(stream).text();
    expect(calls).toEqual([0, 3, 6]);
    // An exact multiple of the page size ends without asking for an empty page.
    const exact: number[] = [];
    const load = async (offset: number) => {
      exact.push(offset);
      return { rows: [row(offset), row(offset + 1)], total: 4 };
    };
    await new Response(csvStream(load, 0, 2)).text();
    expect(exact).toEqual([0, 2]);
    const records = parseCsv(text);
    expect(records[0]).toEqual(CSV_HEADER);
    expect(records.slice(1).map((r) => r[0])).toEqual(Array.from({ length: 7 }, (_, i) => `User ${i}`));
  });
});

describe('GET /usage/users.csv', () => {
  it('exports every filtered row with headers, quoting and formula safety', async () => {
    const { deps, request } = await testApp();
    const s = await seed(deps.db, deps.clock.now());
    await s.user({ userId: 'evil', firstName: '=cmd|', lastName: 'x, "y"', lastActiveAt: s.ago(1) });
    await s.user({ userId: 'gone', firstName: 'Gone', removedAt: Date.UTC(2026, 0, 2) });
    for (let i = 0; i < 60; i += 1) await s.user({ userId: `n${i}`, lastActiveAt: s.ago(40) });
    await s.meeting({ hostEmail: 'evil@example.com', startTime: s.ago(1), pstn: true });

    const res = await request('/usage/users.csv?status=inactive&page=2');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(res.headers.get('content-disposition')).toBe(
      'attachment; filename="seatwise-bluejeans-users-2026-01-15.csv"',
    );
    const records = parseCsv(await res.text());
    // All 60 inactive users (not just one page), plus the header.
    expect(records).toHaveLength(61);
    expect(records[0]).toEqual(CSV_HEADER);

    const all = parseCsv(await (await request('/usage/users.csv?sort=email')).text());
    const evil = all.find((r) => r[2] === 'evil');
    expect(evil?.slice(0, 6)).toEqual([
      `'=cmd| x, "y"`,
      'evil@example.com',
      'evil',
      'no',
      'Active',
      'last meeting 1 day ago',
    ]);
    expect(evil?.[CSV_HEADER.indexOf('PSTN dial-in')]).toBe('1');
    const gone = all.find((r) => r[2] === 'gone');
    expect(gone?.[4]).toBe('Removed');
    expect(gone?.[5]).toBe('removed from BlueJeans on 2 Jan 2026');
    expect(gone?.[CSV_HEADER.indexOf('Removed (UTC)')]).toBe('2026-01-02T00:00:00.000Z');
    // The recommendation columns: id, value, reason (removed users hold no seat, so no recommendation).
    expect(gone?.slice(-3)).toEqual(['gone', '', 'removed from BlueJeans on 2 Jan 2026']);
    expect(evil?.slice(-3)).toEqual(['evil', 'keep', 'hosted 1 meeting in the 1 day synced']);
  });

  it('answers an empty file with just the header before any sync', async () => {
    const { request } = await testApp();
    const res = await request('/usage/users.csv');
    expect(res.status).toBe(200);
    expect(parseCsv(await res.text())).toEqual([CSV_HEADER]);
  });
});
