import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/views/audit-log';

const html = (detail: Record<string, unknown>, action = 'connection.disconnected') =>
  String(AuditLog({ entries: [{ id: 1, at: 0, actor: 'local-admin', action, detail }], now: 0 })).replace(
    /<[^>]+>/g,
    ' ',
  );

describe('activity log wording', () => {
  it('keeps the disconnect report’s revocation wording for old entries', () => {
    expect(html({ dataKept: true, revoked: false })).toMatch(/token revoked: +no \(no live token was held/);
    expect(html({ revoked: false, revokeError: 'unreachable' })).toContain('BlueJeans could not be reached');
    expect(html({ revoked: true })).toMatch(/token revoked: +yes/);
  });

  it('puts methods, fields, states and triggers in words', () => {
    const text = html(
      { method: 'client_credentials', field: 'appSecret', code: 'invalid_credentials', mode: 'connect' },
      'connection.verify_failed',
    );
    expect(text).toContain('App Key and App Secret');
    expect(text).toContain('App Secret');
    expect(text).not.toMatch(/client_credentials|appSecret/);
    expect(
      html({ from: 'connected', to: 'sync_error', trigger: 'cron' }, 'connection.state_changed'),
    ).toMatch(/from: +connected.*to: +sync error \(retrying\).*started by: +the schedule/);
  });
});
