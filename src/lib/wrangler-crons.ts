/**
 * Reads the `crons = [...]` list from wrangler.toml, so Node and Deno run the
 * same schedules as Workers from one source of truth.
 */
export function parseWranglerCrons(toml: string): string[] {
  const section = toml.split(/^\[triggers\]\s*$/m)[1];
  if (!section) return [];
  const match = /^\s*crons\s*=\s*\[([^\]]*)\]/m.exec(section.split(/^\[/m)[0] ?? '');
  if (!match) return [];
  return [...(match[1] ?? '').matchAll(/"([^"]+)"|'([^']+)'/g)].map((m) => (m[1] ?? m[2] ?? '').trim());
}
