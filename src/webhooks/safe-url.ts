/**
 * Where a webhook may be sent. Safe by default: https only (http only to this machine in local mode), no
 * credentials in the URL, and no IP literal in a private, loopback (outside local mode), link-local,
 * shared, multicast, reserved or cloud-metadata range. Checked when an endpoint is added and again before
 * every attempt. Host names are not resolved here (Workers cannot): an admin-chosen name is trusted as
 * public, and redirects are never followed, so a public URL cannot bounce a request inward.
 */

export type UrlCheck = { ok: true; url: URL } | { ok: false; reason: string };

const LOOPBACK_NAMES = new Set(['localhost', 'localhost.']);
const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata', 'instance-data']);

function ipv4(host: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : undefined;
}

type Range = 'loopback' | 'blocked' | 'public';

/** What an IPv4 address is (WHATWG URL has already normalised forms like 2130706433 or 0x7f.1). */
function classifyV4(parts: number[]): Range {
  const [a = 0, b = 0, c = 0] = parts;
  if (a === 127) return 'loopback';
  if (a === 0 || a === 10 || a >= 224) return 'blocked'; // this network, private, multicast, reserved
  if (a === 169 && b === 254) return 'blocked'; // link-local, including 169.254.169.254 (metadata)
  if (a === 172 && b >= 16 && b <= 31) return 'blocked';
  if (a === 192 && b === 168) return 'blocked';
  if (a === 100 && b >= 64 && b <= 127) return 'blocked'; // shared (CGNAT), incl. 100.100.100.200 (metadata)
  if (a === 192 && b === 0 && (c === 0 || c === 2)) return 'blocked'; // IETF, TEST-NET-1
  if (a === 198 && (b === 18 || b === 19)) return 'blocked'; // benchmarking
  if ((a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113)) return 'blocked';
  return 'public';
}

/**
 * Expands an IPv6 literal (no brackets) to eight 16-bit groups, or undefined when it is not one. The URL
 * parser has already normalised it (lower case, compressed, an embedded IPv4 written as two groups).
 */
function ipv6Groups(host: string): number[] | undefined {
  if (!/^[0-9a-f:]+$/.test(host)) return undefined;
  const [head, rest, extra] = host.split('::');
  if (extra !== undefined) return undefined;
  const parse = (s: string | undefined) => (s ? s.split(':').map((g) => Number.parseInt(g, 16)) : []);
  const h = parse(head);
  const r = parse(rest);
  const groups =
    rest === undefined ? h : [...h, ...Array(Math.max(8 - h.length - r.length, 0)).fill(0), ...r];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff)
    ? groups
    : undefined;
}

function classifyV6(g: number[]): Range {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g;
  const zeroHead = g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0;
  if (zeroHead && g5 === 0 && g6 === 0 && g7 === 1) return 'loopback'; // ::1
  if (zeroHead && g5 === 0 && g6 === 0 && g7 === 0) return 'blocked'; // ::
  const embedded = [g6 >> 8, g6 & 0xff, g7 >> 8, g7 & 0xff];
  if (zeroHead && g5 === 0xffff) return classifyV4(embedded); // IPv4-mapped
  if (g0 === 0x64 && g1 === 0xff9b) return classifyV4(embedded); // NAT64
  if ((g0 & 0xfe00) === 0xfc00) return 'blocked'; // unique local, incl. fd00:ec2::254 (metadata)
  if ((g0 & 0xffc0) === 0xfe80) return 'blocked'; // link-local
  if ((g0 & 0xff00) === 0xff00) return 'blocked'; // multicast
  if (g0 === 0x2001 && g1 === 0x0db8) return 'blocked'; // documentation
  return 'public';
}

/** Loopback, blocked or public, for an IP literal host; undefined for a name. */
export function classifyHost(hostname: string): Range | undefined {
  const host = hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  const v4 = ipv4(host);
  if (v4) return classifyV4(v4);
  const v6 = ipv6Groups(host);
  return v6 ? classifyV6(v6) : undefined;
}

/** Checks a webhook URL; `localMode` admits this machine (and http to it). */
export function checkWebhookUrl(raw: string, options: { localMode: boolean }): UrlCheck {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return { ok: false, reason: 'That is not a URL. Paste the full address, starting with https://.' };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return { ok: false, reason: 'Webhooks are sent over https only.' };
  }
  if (url.username || url.password) {
    return {
      ok: false,
      reason: 'Put no user name or password in the URL: receivers check the signature instead.',
    };
  }
  const host = url.hostname.toLowerCase();
  const range = LOOPBACK_NAMES.has(host) || host.endsWith('.localhost') ? 'loopback' : classifyHost(host);
  if (range === 'loopback') {
    if (!options.localMode)
      return { ok: false, reason: 'Webhooks cannot be sent to this server itself (a loopback address).' };
    return { ok: true, url };
  }
  if (range === 'blocked' || METADATA_NAMES.has(host)) {
    return {
      ok: false,
      reason:
        'Webhooks cannot be sent to private, link-local, reserved or cloud-metadata addresses. Use the receiver’s public https URL.',
    };
  }
  if (url.protocol !== 'https:') {
    return {
      ok: false,
      reason: 'Webhooks are sent over https only (http only to this machine in local mode).',
    };
  }
  return { ok: true, url };
}
