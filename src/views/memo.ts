/**
 * A pure view's HTML kept per props: the usage page draws the same tiles and adoption chart for every
 * request of one build (they follow the summary, not the filters), and rendering them as JSX cost more
 * than the rest of the page's chrome. The key is the whole props as JSON, so equal keys mean equal
 * props and the kept HTML is exactly what rendering them gives; only views that read nothing but their
 * props (no context, no clock) may be wrapped. Bounded: a full map is dropped, not evicted entry by entry.
 */
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { HtmlEscapedString } from 'hono/utils/html';

export function memoizedView<P extends object>(
  view: (props: P) => Child,
  max = 200,
): ((props: P) => HtmlEscapedString | Child) & { kept(): number } {
  const kept = new Map<string, HtmlEscapedString>();
  const wrapped = (props: P) => {
    const key = JSON.stringify(props);
    const known = kept.get(key);
    if (known) return known;
    const node = view(props);
    // An asynchronous view (or one rendering asynchronous parts) gives a promise: hand it on as it is,
    // never keep it.
    if (node instanceof Promise) return node;
    const html =
      node == null || typeof node === 'boolean' ? '' : (node as { toString(): unknown }).toString();
    if (typeof html !== 'string' && !(html instanceof String)) return node;
    const out = raw(String(html));
    if (kept.size >= max) kept.clear();
    kept.set(key, out);
    return out;
  };
  return Object.assign(wrapped, { kept: () => kept.size });
}
