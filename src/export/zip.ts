/**
 * A streaming zip writer (PKWARE APPNOTE 6.3: local headers with data descriptors, a central directory,
 * no ZIP64), whose entries are deflated by the platform's own `CompressionStream('deflate-raw')`.
 *
 * Why not fflate: its deflate is JavaScript, about 5 KB of the Worker's gzip, where Workers, Node and
 * Deno all have a native one. Sizes and CRCs are not known until an entry ends, so each entry's are
 * written after its data (general purpose flag bit 3) and again in the central directory; names are
 * UTF-8 (bit 11). Entries are written one after another: open one, push its bytes, close it.
 */

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (ISO 3309) of `data`, continuing from `crc` (0 for a fresh one). */
export function crc32(data: Uint8Array, crc = 0): number {
  let c = ~crc;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** MS-DOS date and time of an epoch-ms moment, in local time (as zip tools read it). */
function dosTime(ms: number): [number, number] {
  const d = new Date(ms);
  const time = (d.getHours() << 11) | (d.getMinutes() << 5) | (d.getSeconds() >> 1);
  const date = (Math.max(0, d.getFullYear() - 1980) << 9) | ((d.getMonth() + 1) << 5) | d.getDate();
  return [time, date];
}

const FLAGS = 0x0808; // bit 3: sizes in a data descriptor; bit 11: UTF-8 name
const DEFLATE = 8;

function record(size: number, fill: (v: DataView) => void): Uint8Array {
  const bytes = new Uint8Array(size);
  fill(new DataView(bytes.buffer));
  return bytes;
}

interface Done {
  name: Uint8Array;
  time: number;
  date: number;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

export interface ZipEntry {
  /** Adds bytes to the entry; resolves once the compressor has taken them. */
  push(data: Uint8Array): Promise<void>;
  /** Ends the entry: the rest of its compressed bytes, then its data descriptor. */
  close(): Promise<void>;
}

export interface ZipWriter {
  entry(name: string, mtime: number): ZipEntry;
  /** Writes the central directory; call after the last entry is closed. */
  end(): void;
  /** Stops the entry being written (a cancelled download). */
  abort(reason?: unknown): void;
}

/** A zip whose bytes go to `emit` as they are produced. */
export function zipWriter(emit: (chunk: Uint8Array) => void): ZipWriter {
  const encoder = new TextEncoder();
  const done: Done[] = [];
  let offset = 0;
  let current: WritableStreamDefaultWriter<BufferSource> | undefined;
  const out = (bytes: Uint8Array) => {
    offset += bytes.length;
    emit(bytes);
  };

  return {
    entry(fileName, mtime) {
      const name = encoder.encode(fileName);
      const [time, date] = dosTime(mtime);
      const start = offset;
      out(
        record(30 + name.length, (v) => {
          v.setUint32(0, 0x04034b50, true);
          v.setUint16(4, 20, true);
          v.setUint16(6, FLAGS, true);
          v.setUint16(8, DEFLATE, true);
          v.setUint16(10, time, true);
          v.setUint16(12, date, true);
          v.setUint16(26, name.length, true);
          new Uint8Array(v.buffer).set(name, 30);
        }),
      );
      const deflate = new CompressionStream('deflate-raw');
      const writer = deflate.writable.getWriter();
      current = writer;
      let crc = 0;
      let size = 0;
      let compressed = 0;
      const pumped = (async () => {
        const reader = deflate.readable.getReader();
        for (;;) {
          const { done: end, value } = await reader.read();
          if (end) return;
          compressed += value.length;
          out(value);
        }
      })();
      return {
        async push(data) {
          if (data.length === 0) return;
          crc = crc32(data, crc);
          size += data.length;
          await writer.write(data as BufferSource);
        },
        async close() {
          await writer.close();
          await pumped;
          current = undefined;
          if (size > 0xffffffff || offset > 0xffffffff)
            throw new RangeError('archive larger than 4 GiB (no ZIP64)');
          out(
            record(16, (v) => {
              v.setUint32(0, 0x08074b50, true);
              v.setUint32(4, crc, true);
              v.setUint32(8, compressed, true);
              v.setUint32(12, size, true);
            }),
          );
          done.push({ name, time, date, crc, compressed, size, offset: start });
        },
      };
    },
    end() {
      const dirStart = offset;
      for (const e of done) {
        out(
          record(46 + e.name.length, (v) => {
            v.setUint32(0, 0x02014b50, true);
            v.setUint16(4, 20, true);
            v.setUint16(6, 20, true);
            v.setUint16(8, FLAGS, true);
            v.setUint16(10, DEFLATE, true);
            v.setUint16(12, e.time, true);
            v.setUint16(14, e.date, true);
            v.setUint32(16, e.crc, true);
            v.setUint32(20, e.compressed, true);
            v.setUint32(24, e.size, true);
            v.setUint16(28, e.name.length, true);
            v.setUint32(42, e.offset, true);
            new Uint8Array(v.buffer).set(e.name, 46);
          }),
        );
      }
      const dirSize = offset - dirStart;
      out(
        record(22, (v) => {
          v.setUint32(0, 0x06054b50, true);
          v.setUint16(8, done.length, true);
          v.setUint16(10, done.length, true);
          v.setUint32(12, dirSize, true);
          v.setUint32(16, dirStart, true);
        }),
      );
    },
    abort(reason) {
      current?.abort(reason).catch(() => undefined);
      current = undefined;
    },
  };
}
