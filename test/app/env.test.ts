import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from '../../src/env';
import { parseWranglerCrons } from '../../src/lib/wrangler-crons';

describe('parseEnv', () => {
  it('needs nothing for local use and fills the documented defaults', () => {
    const config = parseEnv({});
    expect(config).toMatchObject({
      PORT: 8787,
      DATABASE_URL: 'file:./data/seatwise.db',
      BLUEJEANS_API_BASE: 'https://api.bluejeans.com',
      BLUEJEANS_AUTH_BASE: 'https://bluejeans.com',
      AUTH_MODE: 'local',
      EMBED_ALLOWED_ORIGINS: [],
      BLUEJEANS_RATE_LIMIT: 2,
    });
  });

  it('names every bad variable at once with what it expects, and never echoes a secret value', () => {
    const secret = 'k1:tooShortButSecretMaterial';
    let error: unknown;
    try {
      parseEnv({
        PORT: '70000',
        DATABASE_URL: 'postgres://x',
        AUTH_MODE: 'open',
        SEAL_KEYS: secret,
        EMBED_SECRET: 'short',
        EMBED_ALLOWED_ORIGINS: 'https://ok.example, not an origin',
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as Error).message;
    for (const name of [
      'PORT',
      'DATABASE_URL',
      'AUTH_MODE',
      'SEAL_KEYS',
      'EMBED_SECRET',
      'EMBED_ALLOWED_ORIGINS',
    ]) {
      expect(message).toContain(`${name}:`);
    }
    expect(message).not.toContain('tooShortButSecretMaterial');
    expect(message).not.toContain('short"');
  });

  it('trims trailing slashes from base URLs and splits allowed origins', () => {
    const config = parseEnv({
      BLUEJEANS_API_BASE: 'http://127.0.0.1:8788/',
      EMBED_ALLOWED_ORIGINS: 'https://a.example https://b.example:8443',
    });
    expect(config.BLUEJEANS_API_BASE).toBe('http://127.0.0.1:8788');
    expect(config.EMBED_ALLOWED_ORIGINS).toEqual(['https://a.example', 'https://b.example:8443']);
  });

  it('accepts any valid port and rejects everything else (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000, max: 100_000 }), (port) => {
        const ok = port >= 1 && port <= 65535;
        let threw = false;
        try {
          expect(parseEnv({ PORT: String(port) }).PORT).toBe(port);
        } catch (err) {
          threw = err instanceof ConfigError;
        }
        expect(threw).toBe(!ok);
      }),
    );
  });
});

describe('wrangler crons as the one source of schedules', () => {
  it('reads the cron list from wrangler.toml', () => {
    const crons = parseWranglerCrons(readFileSync('wrangler.toml', 'utf8'));
    expect(crons.length).toBeGreaterThan(0);
    for (const c of crons) expect(c.split(' ')).toHaveLength(5);
  });

  it('ignores other sections and handles both quote styles', () => {
    const toml = `name = "x"\n[vars]\ncrons = ["nope"]\n[triggers]\ncrons = [ "*/5 * * * *", '0 3 * * *' ]\n[assets]\n`;
    expect(parseWranglerCrons(toml)).toEqual(['*/5 * * * *', '0 3 * * *']);
    expect(parseWranglerCrons('name = "x"')).toEqual([]);
  });
});

describe('version', () => {
  it('is the version package.json declares (shown by /health, versioning asset URLs)', async () => {
    const { VERSION } = await import('../../src/version');
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(VERSION).toBe(pkg.version);
  });
});
