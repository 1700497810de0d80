/**
 * The Worker bundles `zod` as src/lib/zod-slim (wrangler.toml `[alias]`): zod's own schema builders
 * without the locales. Every builder the source calls must be there, and be zod's very function, so the
 * Worker validates and words its errors exactly as Node and Deno do.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as zod from 'zod';
import * as slim from '../../src/lib/zod-slim';

const src = fileURLToPath(new URL('../../src', import.meta.url));
// Type-level names (z.infer<...>, z.ZodType, z.core.$ZodIssue) exist only for the type checker.
const TYPE_ONLY = new Set(['infer', 'input', 'output', 'core', 'ZodType']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : /\.tsx?$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

describe('the Worker build of zod', () => {
  it('has every z.<builder> the source uses, as zod’s own function', () => {
    const used = new Set<string>();
    for (const file of sources(src)) {
      const text = readFileSync(file, 'utf8');
      if (!/from 'zod'/.test(text)) continue;
      for (const m of text.matchAll(/\bz\s*\.\s*([A-Za-z]+)/g)) used.add(m[1] as string);
    }
    expect(used.size).toBeGreaterThan(10);
    const z = slim.z as unknown as Record<string, unknown>;
    const real = zod.z as unknown as Record<string, unknown>;
    for (const name of [...used].filter((n) => !TYPE_ONLY.has(n)).sort()) {
      expect(z[name], `z.${name} is missing from src/lib/zod-slim/external.ts`).toBeDefined();
      expect(z[name], `z.${name}`).toBe(real[name]);
    }
    expect(slim.z.coerce.number).toBe(zod.z.coerce.number);
  });

  it('words errors in English as zod does', () => {
    const a = slim.z.object({ n: slim.z.number().int().min(2) }).safeParse({ n: 1.5 });
    const b = zod.z.object({ n: zod.z.number().int().min(2) }).safeParse({ n: 1.5 });
    expect(a.success).toBe(false);
    expect(a.error?.issues.map((i) => i.message)).toEqual(b.error?.issues.map((i) => i.message));
    expect(a.error?.issues[0]?.message).toMatch(/expected int/i);
  });
});
