/**
 * The hosts the Deno entry may reach, from the same configuration it runs with: it listens on and talks
 * to 127.0.0.1, calls the BlueJeans API and auth hosts, a remote libSQL database (Turso), the Access and
 * embed key sets when configured, and whatever `DENO_ALLOW_NET` adds (webhook receivers, a proxy). Pure,
 * so Node tests it; scripts/deno/start.ts turns it into `--allow-net`.
 */

const DEFAULTS = {
  BLUEJEANS_API_BASE: 'https://api.bluejeans.com',
  BLUEJEANS_AUTH_BASE: 'https://bluejeans.com',
};

/** `host` or `host:port` (when the URL names a port) of a URL; undefined when it is not one. */
function hostOf(url: string | undefined): string | undefined {
  if (!url?.trim()) return undefined;
  try {
    const u = new URL(url.trim());
    if (u.protocol === 'file:' || !u.hostname) return undefined;
    return u.port ? `${u.hostname}:${u.port}` : u.hostname;
  } catch {
    return undefined;
  }
}

/** The `--allow-net` entries for `env`, loopback first, without duplicates. */
export function denoNetAllowList(env: Record<string, string | undefined>): string[] {
  const hosts = ['127.0.0.1'];
  const add = (h: string | undefined) => {
    if (h && !hosts.includes(h)) hosts.push(h);
  };
  add(hostOf(env.BLUEJEANS_API_BASE?.trim() || DEFAULTS.BLUEJEANS_API_BASE));
  add(hostOf(env.BLUEJEANS_AUTH_BASE?.trim() || DEFAULTS.BLUEJEANS_AUTH_BASE));
  add(hostOf(env.DATABASE_URL));
  const team = env.ACCESS_TEAM_DOMAIN?.trim();
  if (team) add(team);
  add(hostOf(env.ACCESS_CERTS_URL));
  add(hostOf(env.EMBED_JWKS_URL));
  for (const extra of (env.DENO_ALLOW_NET ?? '').split(/[\s,]+/)) add(extra.trim() || undefined);
  return hosts;
}
