import { describe, expect, it } from 'vitest';
import { checkWebhookUrl } from '../../src/webhooks/safe-url';

const refused = (url: string, localMode = false) => {
  const r = checkWebhookUrl(url, { localMode });
  return r.ok ? 'allowed' : r.reason;
};

describe('where a webhook may go', () => {
  it('allows public https URLs, and this machine only in local mode', () => {
    expect(refused('https://hooks.slack.com/services/T/B/x')).toBe('allowed');
    expect(refused('https://93.184.216.34/hook')).toBe('allowed');
    expect(refused('https://[2606:4700::1111]/hook')).toBe('allowed');
    expect(refused('http://127.0.0.1:9999/hook', true)).toBe('allowed');
    expect(refused('http://localhost:9999/hook', true)).toBe('allowed');
    expect(refused('http://[::1]:9999/hook', true)).toBe('allowed');
  });

  it('refuses plain http to anything but this machine in local mode', () => {
    expect(refused('http://example.com/hook')).toMatch(/https only/);
    expect(refused('http://example.com/hook', true)).toMatch(/https only/);
    expect(refused('ftp://example.com/hook')).toMatch(/https only/);
    expect(refused('not a url')).toMatch(/not a URL/);
    expect(refused('https://user:pass@example.com/hook')).toMatch(/no user name or password/);
  });

  it('refuses loopback outside local mode, in every spelling the URL parser accepts', () => {
    for (const u of [
      'https://127.0.0.1/',
      'https://127.1.2.3/',
      'https://2130706433/',
      'https://0x7f.1/',
      'https://localhost/',
      'https://api.localhost/',
      'https://[::1]/',
      'http://127.0.0.1:8080/',
    ]) {
      expect(refused(u), u).not.toBe('allowed');
    }
  });

  it('refuses private, link-local, shared, reserved and metadata IP literals in every mode', () => {
    const blocked = [
      'https://10.0.0.1/',
      'https://172.16.5.4/',
      'https://172.31.255.255/',
      'https://192.168.1.1/',
      'https://169.254.169.254/latest/meta-data/',
      'https://169.254.1.1/',
      'https://100.64.0.1/',
      'https://100.100.100.200/',
      'https://0.0.0.0/',
      'https://224.0.0.1/',
      'https://255.255.255.255/',
      'https://[fd00:ec2::254]/',
      'https://[fc00::1]/',
      'https://[fe80::1]/',
      'https://[::]/',
      'https://[::ffff:10.0.0.1]/',
      'https://[::ffff:169.254.169.254]/',
      'https://[64:ff9b::a9fe:a9fe]/',
      'https://metadata.google.internal/computeMetadata/v1/',
    ];
    for (const u of blocked) {
      expect(refused(u), u).toMatch(/private, link-local, reserved or cloud-metadata/);
      expect(refused(u, true), `${u} (local)`).toMatch(/private, link-local, reserved or cloud-metadata/);
    }
    // Just outside the private ranges.
    expect(refused('https://172.32.0.1/')).toBe('allowed');
    expect(refused('https://100.128.0.1/')).toBe('allowed');
  });
});
