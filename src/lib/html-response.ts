/**
 * Large HTML answers (the usage pages: 40-110 KB) written from a pooled buffer on Node. Handing Node a
 * string costs two passes over it, Buffer.byteLength for Content-Length and the UTF-8 encoding when
 * the socket is written (into a buffer allocated per write); encoding once into a buffer kept for the
 * next response and handing that over costs one (docs/BENCHMARKS.md, the read side, fourth pass).
 * A buffer goes back to the pool only when the response has closed (its bytes were handed to the
 * operating system, or the connection went away), so a response never sends bytes written for another.
 * The bytes are exactly those of the string (what Node would have written); other runtimes (Workers,
 * Deno: no Node response in the context's env) and strings that might not fit get `c.html`.
 */
import type { Context } from 'hono';
import { HtmlEscapedCallbackPhase, resolveCallback } from 'hono/utils/html';

const SIZE = 512 * 1024;
const KEPT = 16;
const pool: Buffer[] = [];

interface NodeOutgoing {
  once(event: 'close', listener: () => void): unknown;
}

function outgoingOf(c: Context): NodeOutgoing | undefined {
  const env = c.env as { outgoing?: Partial<NodeOutgoing> } | undefined;
  const out = env?.outgoing;
  return out && typeof out.once === 'function' ? (out as NodeOutgoing) : undefined;
}

/** `c.html(content, status)`, written from a pooled buffer where the runtime is Node. */
export async function pooledHtml(c: Context, content: unknown, status: 200 | 422 = 200): Promise<Response> {
  const html = await resolveCallback(content as string, HtmlEscapedCallbackPhase.Stringify, false, {});
  const outgoing = outgoingOf(c);
  // UTF-8 takes at most three bytes per UTF-16 unit, so such a string always fits whole.
  if (!outgoing || typeof Buffer === 'undefined' || html.length * 3 > SIZE) return c.html(html, status);
  const buf = pool.pop() ?? Buffer.allocUnsafeSlow(SIZE);
  const n = buf.write(html, 0, 'utf8');
  outgoing.once('close', () => {
    if (pool.length < KEPT) pool.push(buf);
  });
  const body = new Uint8Array(buf.buffer, buf.byteOffset, n) as Uint8Array<ArrayBuffer>;
  return c.body(body, status, { 'Content-Type': 'text/html; charset=UTF-8' });
}

/** For tests: buffers waiting in the pool. */
export function pooledBuffers(): number {
  return pool.length;
}
