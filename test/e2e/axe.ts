/**
 * axe-core (the npm package, pinned) run inside a page or frame. Its source is evaluated through the
 * DevTools protocol, which the pages' CSP (script-src 'self') does not govern, so nothing about the
 * page under test is loosened to run it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Frame, Page } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** Serious and critical violations on the page as it is now (WCAG 2.x A/AA rules and best practices). */
export async function seriousViolations(target: Page | Frame): Promise<AxeFinding[]> {
  const loaded = await target.evaluate(() => 'axe' in window);
  if (!loaded) await target.evaluate(AXE_SOURCE);
  const found = await target.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<unknown> } })
      .axe;
    const r = (await axe.run(document, { resultTypes: ['violations'] })) as {
      violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[];
    };
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
  });
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** How far the document scrolls sideways beyond the viewport (0 = fits), with the widest offenders. */
export async function sidewaysOverflow(page: Page): Promise<{ over: number; culprits: string[] }> {
  return page.evaluate(() => {
    const over = document.documentElement.scrollWidth - window.innerWidth;
    const culprits: string[] = [];
    if (over > 0) {
      for (const el of Array.from(document.querySelectorAll('body *'))) {
        const r = el.getBoundingClientRect();
        if (r.right > window.innerWidth + 1 && culprits.length < 8) {
          culprits.push(
            `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}.${el.className} ${Math.round(r.right)}`,
          );
        }
      }
    }
    return { over, culprits };
  });
}
