/**
 * The archive's zip writer (src/export/zip.ts), read back by an independent reader (fflate's unzip):
 * names (UTF-8 too), contents and sizes of several entries, one empty and one over a megabyte pushed in
 * pieces; CRC-32 is the standard one; the central directory counts every entry.
 */
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { crc32, zipWriter } from '../../src/export/zip';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('zipWriter', () => {
  it('computes the standard CRC-32, also in pieces', () => {
    expect(crc32(bytes('123456789'))).toBe(0xcbf43926);
    expect(crc32(bytes('6789'), crc32(bytes('12345')))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array())).toBe(0);
  });

  it('writes entries an unzip tool reads back whole', async () => {
    const chunks: Uint8Array[] = [];
    const zip = zipWriter((c) => chunks.push(c));
    const big = new Uint8Array(1_500_000).map((_, i) => (i * 7919) % 251);
    const a = zip.entry('meetings.csv', Date.UTC(2026, 11, 2, 6, 30));
    await a.push(bytes('id,title\r\n'));
    for (let i = 0; i < big.length; i += 100_000) await a.push(big.subarray(i, i + 100_000));
    await a.close();
    await zip.entry('empty.csv', 0).close();
    const c = zip.entry('réunions.json', Date.now());
    await c.push(bytes('{"ok":true}\n'));
    await c.close();
    zip.end();
    const file = new Uint8Array(chunks.reduce((n, ch) => n + ch.length, 0));
    let at = 0;
    for (const ch of chunks) {
      file.set(ch, at);
      at += ch.length;
    }
    expect(file.length).toBeLessThan(big.length / 10);
    const files = unzipSync(file);
    expect(Object.keys(files)).toEqual(['meetings.csv', 'empty.csv', 'réunions.json']);
    expect(files['meetings.csv']?.subarray(0, 10)).toEqual(bytes('id,title\r\n'));
    expect(Buffer.from(files['meetings.csv']?.subarray(10) ?? []).equals(Buffer.from(big))).toBe(true);
    expect(files['empty.csv']?.length).toBe(0);
    expect(new TextDecoder().decode(files['réunions.json'])).toBe('{"ok":true}\n');
    // End of central directory: 3 entries.
    const eocd = new DataView(file.buffer, file.length - 22);
    expect(eocd.getUint32(0, true)).toBe(0x06054b50);
    expect(eocd.getUint16(10, true)).toBe(3);
  });
});
