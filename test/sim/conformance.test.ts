import { existsSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Simulator } from '../../sim/index';
import {
  appToken,
  bundledSpecPath,
  filterParam,
  get,
  makeSim,
  SpecValidator,
  sharedSpecPath,
  T0,
  tokenRequest,
  userToken,
} from './helpers';

const DAY = 86_400_000;
let spec: SpecValidator;

beforeAll(async () => {
  spec = await SpecValidator.load();
});

/** Fetches, validates against the operation's schema for the status, and returns status + body. */
async function call<T = unknown>(
  sim: Simulator,
  operationId: string,
  pathAndQuery: string,
  token?: string,
): Promise<{ status: number; body: T }> {
  const res = await get(sim, pathAndQuery, token);
  const status = res.status;
  const body = await spec.check<T>(operationId, res);
  return { status, body };
}

function positions(total: number, pageSize: number, firstPage: number): number[] {
  const last = firstPage + Math.max(0, Math.ceil(total / pageSize) - 1);
  return [...new Set([firstPage, Math.floor((firstPage + last) / 2), last, last + 1])];
}

describe('the bundled spec', () => {
  it.skipIf(!existsSync(sharedSpecPath))('says exactly what shared/bluejeans/swagger.yaml says', () => {
    // Compared as parsed YAML: a formatter touching the copy must not count as drift, any edit must.
    expect(parse(readFileSync(bundledSpecPath, 'utf8'))).toEqual(parse(readFileSync(sharedSpecPath, 'utf8')));
  });

  it('is served at GET /swagger.yaml when the host passes it', async () => {
    const { sim } = makeSim({ specYaml: readFileSync(bundledSpecPath, 'utf8') });
    const res = await get(sim, '/swagger.yaml');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('yaml');
    expect(await res.text()).toContain('swagger: "2.0"');
  });
});

describe('routes', () => {
  it('serves only operations the spec defines, with the spec method', () => {
    const { sim } = makeSim();
    const specRoutes = new Set<string>();
    for (const [p, item] of Object.entries(spec.api.paths)) {
      const template = p.replace(/#.*$/, '').replace(/\{[^}]+\}/g, '{}');
      for (const method of Object.keys(item)) specRoutes.add(`${method.toUpperCase()} ${template}`);
    }
    const served = sim.app.routes
      .filter((r) => r.method !== 'ALL' && !r.path.startsWith('/__sim') && r.path !== '/swagger.yaml')
      // The consent form posts back to the authorize page; it is part of getAuthorizationCode.
      .filter((r) => !(r.method === 'POST' && r.path === '/oauth2/authorize'))
      .map((r) => `${r.method} ${r.path.replace(/:[A-Za-z_]+/g, '{}')}`);
    expect(served.length).toBeGreaterThan(10);
    for (const route of served) expect(specRoutes, route).toContain(route);
  });
});

describe.each([1, 2, 3, 7, 42, 1234])(
  'seed %i: every data endpoint conforms at every page position',
  (seed) => {
    it('users, enterprise profile, Command Center, history and analytics', async () => {
      const { sim } = makeSim({
        seed,
        users: 40 + (seed % 50) * 3,
        days: 5 + (seed % 4),
        lateArrivalMinutes: seed % 3 ? 30 : 0,
      });
      const e = sim.enterpriseId;
      const token = await appToken(sim);

      // searchUsers: several page sizes and sort orders, first / middle / last / past-the-end pages.
      for (const [pageSize, extra] of [
        [7, ''],
        [25, '&sortBy=lastName&order=desc'],
        [3, '&fields=username,email&sortBy=enterpriseJoinDate'],
      ] as const) {
        const first = await call<{ count: number; user: unknown[] }>(
          sim,
          'searchUsers',
          `/v1/enterprise/${e}/users?pageSize=${pageSize}&pageNumber=1${extra}`,
          token,
        );
        expect(first.status).toBe(200);
        for (const page of positions(first.body.count, pageSize, 1)) {
          const r = await call(
            sim,
            'searchUsers',
            `/v1/enterprise/${e}/users?pageSize=${pageSize}&pageNumber=${page}${extra}`,
            token,
          );
          expect(r.status).toBe(200);
        }
      }
      const search = await call<{ count: number; user: { id: number; email: string }[] }>(
        sim,
        'searchUsers',
        `/v1/enterprise/${e}/users?textSearch=a&pageSize=5`,
        token,
      );
      expect(search.status).toBe(200);
      const someone = search.body.user[0];
      expect(someone).toBeDefined();
      if (!someone) return;
      expect(
        (await call(sim, 'searchUsers', `/v1/enterprise/${e}/users?emailId=${someone.email}`, token)).status,
      ).toBe(200);

      // getEnterpriseProfile with app, admin and own-user tokens.
      expect(
        (await call(sim, 'getEnterpriseProfile', `/v1/user/${someone.id}/enterprise_profile`, token)).status,
      ).toBe(200);
      // getUser: the same user's account details.
      const account = await call<{ id: number; emailId: string }>(
        sim,
        'getUser',
        `/v1/user/${someone.id}`,
        token,
      );
      expect(account.status).toBe(200);
      expect(account.body).toMatchObject({ id: someone.id, emailId: someone.email });
      expect((await call(sim, 'getUser', '/v1/user/999999999', token)).status).toBe(404);

      // getMeetingsPastByEnterprise: whole window and a filtered window.
      const windows = [
        '',
        `&filter=${filterParam([
          { type: 'date', value: new Date(T0 - 3 * DAY).toISOString(), field: 'startTime', comparison: 'gt' },
          { type: 'date', value: new Date(T0 - DAY).toISOString(), field: 'endTime', comparison: 'lt' },
        ])}`,
      ];
      const uuids: string[] = [];
      for (const window of windows) {
        const limit = 9;
        const head = await call<{ count: number; meetings: { meetingUUID: string }[] }>(
          sim,
          'getMeetingsPastByEnterprise',
          `/v1/enterprise/${e}/indigo/meetings?limit=${limit}&count=true${window}`,
          token,
        );
        expect(head.status).toBe(200);
        expect(head.body.count).toBeGreaterThan(0);
        for (const page of positions(head.body.count, limit, 0)) {
          const r = await call<{ meetings: { meetingUUID: string }[] }>(
            sim,
            'getMeetingsPastByEnterprise',
            `/v1/enterprise/${e}/indigo/meetings?limit=${limit}&offset=${page}${window}`,
            token,
          );
          expect(r.status).toBe(200);
          uuids.push(...r.body.meetings.slice(0, 2).map((m) => m.meetingUUID));
        }
      }
      for (const uuid of uuids.slice(0, 6)) {
        for (const include of ['true', 'false']) {
          const r = await call(
            sim,
            'getMeetingPastByEnterprise',
            `/v1/enterprise/${e}/indigo/meetings/${uuid}?includeEndpoints=${include}`,
            token,
          );
          expect(r.status).toBe(200);
        }
      }

      // listHistoryByEnterprise: date windows in two zones; page positions from the same count.
      const start = new Date(T0 - 4 * DAY);
      const mmddyyyy = `${String(start.getUTCMonth() + 1).padStart(2, '0')}/${String(start.getUTCDate()).padStart(2, '0')}/${start.getUTCFullYear()}`;
      for (const query of ['', `&startDate=${mmddyyyy}&endDate=01/15/2026&timezone=America/New_York`]) {
        const pageSize = 11;
        const firstPage = await call<{ meetingGuid: string }[]>(
          sim,
          'listHistoryByEnterprise',
          `/v1/enterprise/${e}/meeting_history?pageSize=${pageSize}&pageNumber=1${query}`,
          token,
        );
        expect(firstPage.status).toBe(200);
        const total = (
          await call<{ count: number }>(
            sim,
            'getMeetingsPastByEnterprise',
            `/v1/enterprise/${e}/indigo/meetings?limit=1&count=true`,
            token,
          )
        ).body.count;
        for (const page of positions(query ? firstPage.body.length * 3 : total, pageSize, 1)) {
          const r = await call(
            sim,
            'listHistoryByEnterprise',
            `/v1/enterprise/${e}/meeting_history?pageSize=${pageSize}&pageNumber=${page}${query}`,
            token,
          );
          expect(r.status).toBe(200);
        }
        for (const h of firstPage.body.slice(0, 3)) {
          const r = await call(
            sim,
            'getHistoryByEnterprise',
            `/v1/enterprise/${e}/meeting_history/${encodeURIComponent(h.meetingGuid)}`,
            token,
          );
          expect(r.status).toBe(200);
        }
      }

      // Analytics v2.
      const low = new Date(T0 - 6 * DAY).toISOString();
      const high = new Date(T0).toISOString();
      const active = await call(
        sim,
        'getEnterpriseUsersActive',
        `/v2/enterprise/${e}/indigo/analytics/users/active?filter=${filterParam([
          { type: 'string', comparison: 'eq', value: "'%Y-%m-%d'", field: 'dateFormat' },
          { type: 'date', comparison: 'eq', value: low, field: 'lowts' },
          { type: 'date', comparison: 'eq', value: high, field: 'hights' },
        ])}&clientTZ=America/Los_Angeles`,
        token,
      );
      expect(active.status).toBe(200);
      for (const interval of ['DAY', 'WEEK', 'MONTH']) {
        const usage = await call(
          sim,
          'getMeetingUsageV2',
          `/v2/enterprise/${e}/indigo/analytics/meetings/usage?filter=${filterParam([
            { type: 'string', comparison: 'eq', value: interval, field: 'groupInterval' },
            { type: 'date', comparison: 'eq', value: low, field: 'lowts' },
            { type: 'date', comparison: 'eq', value: high, field: 'hights' },
          ])}`,
          token,
        );
        expect(usage.status).toBe(200);
      }
      const top = await call(
        sim,
        'getTopUsersV2',
        `/v2/enterprise/${e}/indigo/analytics/users/usage?filter=${filterParam([
          { type: 'date', comparison: 'gt', value: low, field: 'start_time' },
          { type: 'date', comparison: 'lt', value: high, field: 'end_time' },
        ])}`,
        token,
      );
      expect(top.status).toBe(200);
    }, 60_000);
  },
);

describe('random page positions conform (property)', () => {
  it('users and Command Center pages validate for any seed, page size and page', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 40 }),
        async (seed, size, page) => {
          const { sim } = makeSim({ seed, users: 30, days: 3 });
          const token = await appToken(sim);
          const e = sim.enterpriseId;
          const users = await call(
            sim,
            'searchUsers',
            `/v1/enterprise/${e}/users?pageSize=${size}&pageNumber=${page + 1}`,
            token,
          );
          expect(users.status).toBe(200);
          const cc = await call(
            sim,
            'getMeetingsPastByEnterprise',
            `/v1/enterprise/${e}/indigo/meetings?limit=${size}&offset=${page}&count=true`,
            token,
          );
          expect(cc.status).toBe(200);
          const hist = await call(
            sim,
            'listHistoryByEnterprise',
            `/v1/enterprise/${e}/meeting_history?pageSize=${size}&pageNumber=${page + 1}`,
            token,
          );
          expect(hist.status).toBe(200);
        },
      ),
      { numRuns: 25, seed: 20260115 },
    );
  }, 60_000);
});

/** A 3-legged grant for the demo admin, through the consent form and the code exchange. */
async function threeLegged(sim: Simulator): Promise<{ access_token: string; refresh_token: string }> {
  const form = new URLSearchParams({
    clientId: 'demo-app-key',
    redirectUri: 'http://127.0.0.1:9999/callback',
    state: 's1',
    scope: 'meeting_history,user_info',
    responseType: 'code',
    appName: 'Seatwise',
    username: sim.credentials.adminUser.username,
    password: sim.credentials.adminUser.password,
    decision: 'allow',
  });
  const consent = await sim.fetch(new Request('http://sim/oauth2/authorize', { method: 'POST', body: form }));
  const code = new URL(consent.headers.get('location') ?? '').searchParams.get('code');
  const res = await tokenRequest(sim, {
    grant_type: 'authorization_code',
    client_id: 'demo-app-key',
    client_secret: 'demo-app-secret',
    code,
    redirectUri: 'http://127.0.0.1:9999/callback',
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { access_token: string; refresh_token: string };
}

describe('granted applications conform', () => {
  const refresh = (sim: Simulator, refreshToken: string) =>
    tokenRequest(
      sim,
      {
        grant_type: 'refresh_token',
        client_id: 'demo-app-key',
        client_secret: 'demo-app-secret',
        refresh_token: refreshToken,
      },
      'Refresh',
    );
  const revoke = (sim: Simulator, userId: number | string, clientId: string, token: string) =>
    sim.fetch(
      new Request(`http://sim/v1/user/${userId}/granted_applications/${clientId}`, {
        method: 'DELETE',
        headers: { Authorization: `Bearer ${token}` },
      }),
    );

  it('getGrantedApplications and revokeGrantedApplication; a revoked grant ends its access and refresh tokens', async () => {
    const { sim } = makeSim();
    const grant = await threeLegged(sim);
    const info = (await (await get(sim, `/oauth2/tokenInfo?access_token=${grant.access_token}`)).json()) as {
      user: number;
    };
    const listed = await call<{ clientId: string; userId: number; scope: string }>(
      sim,
      'getGrantedApplications',
      `/v1/user/${info.user}/granted_applications`,
      grant.access_token,
    );
    expect(listed.status).toBe(200);
    expect(listed.body).toMatchObject({ clientId: 'demo-app-key', userId: info.user });
    expect(listed.body.scope.split(',')).toEqual(['meeting_history', 'user_info']);

    const revoked = await revoke(sim, info.user, 'demo-app-key', grant.access_token);
    expect(revoked.status).toBe(204);
    await spec.check('revokeGrantedApplication', revoked);

    // The refresh token and the access token of that grant are refused from now on.
    const refused = await refresh(sim, grant.refresh_token);
    expect(refused.status).toBe(401);
    expect((await spec.check<{ message: string }>('getTokenByRefresh', refused)).message).toMatch(/revoked/);
    expect((await get(sim, `/v1/enterprise/${sim.enterpriseId}/users`, grant.access_token)).status).toBe(401);

    // Gone: listing and revoking again are 404s with the spec's error body.
    const admin = await userToken(sim, 'admin');
    const none = await call(
      sim,
      'getGrantedApplications',
      `/v1/user/${info.user}/granted_applications`,
      admin,
    );
    expect(none.status).toBe(404);
    const twice = await revoke(sim, info.user, 'demo-app-key', admin);
    expect(twice.status).toBe(404);
    await spec.check('revokeGrantedApplication', twice);

    // A new consent grants again, with a working refresh token.
    const again = await threeLegged(sim);
    expect((await refresh(sim, again.refresh_token)).status).toBe(200);
  });

  it("another user's token may not revoke a grant; bad ids are 400", async () => {
    const { sim } = makeSim();
    const grant = await threeLegged(sim);
    const info = (await (await get(sim, `/oauth2/tokenInfo?access_token=${grant.access_token}`)).json()) as {
      user: number;
    };
    const plain = await userToken(sim, 'plain');
    const forbidden = await revoke(sim, info.user, 'demo-app-key', plain);
    expect(forbidden.status).toBe(403);
    await spec.check('revokeGrantedApplication', forbidden);
    const bad = await revoke(sim, 'abc', 'demo-app-key', grant.access_token);
    expect(bad.status).toBe(400);
    await spec.check('revokeGrantedApplication', bad);
    const unauthenticated = await sim.fetch(
      new Request(`http://sim/v1/user/${info.user}/granted_applications/demo-app-key`, { method: 'DELETE' }),
    );
    expect(unauthenticated.status).toBe(401);
    // Still granted after the refusals.
    expect((await refresh(sim, grant.refresh_token)).status).toBe(200);
  });
});

describe('token grants and token info conform', () => {
  it('client_credentials, password, authorization_code, refresh_token, tokenInfo and revoke', async () => {
    const { sim } = makeSim();
    const client = await tokenRequest(
      sim,
      { grant_type: 'client_credentials', client_id: 'demo-app-key', client_secret: 'demo-app-secret' },
      'Client',
    );
    expect(client.status).toBe(200);
    const clientBody = await spec.check<{ access_token: string }>('getTokenByClient', client);

    const password = await tokenRequest(
      sim,
      { grant_type: 'password', ...sim.credentials.adminUser },
      'Password',
    );
    expect(password.status).toBe(200);
    await spec.check('getTokenByPassword', password);

    // Authorization code via the consent form.
    const form = new URLSearchParams({
      clientId: 'demo-app-key',
      redirectUri: 'http://127.0.0.1:9999/callback',
      state: 's1',
      scope: 'meeting_history,user_info',
      responseType: 'code',
      appName: 'Seatwise',
      username: sim.credentials.adminUser.username,
      password: sim.credentials.adminUser.password,
      decision: 'allow',
    });
    const consent = await sim.fetch(
      new Request('http://sim/oauth2/authorize', { method: 'POST', body: form }),
    );
    expect(consent.status).toBe(302);
    const code = new URL(consent.headers.get('location') ?? '').searchParams.get('code');
    const exchanged = await tokenRequest(
      sim,
      {
        grant_type: 'authorization_code',
        client_id: 'demo-app-key',
        client_secret: 'demo-app-secret',
        code,
        redirectUri: 'http://127.0.0.1:9999/callback',
      },
      'Code',
    );
    expect(exchanged.status).toBe(200);
    const codeBody = await spec.check<{ access_token: string; refresh_token: string }>(
      'getTokenByCode',
      exchanged,
    );

    const refreshed = await tokenRequest(
      sim,
      {
        grant_type: 'refresh_token',
        client_id: 'demo-app-key',
        client_secret: 'demo-app-secret',
        refresh_token: codeBody.refresh_token,
      },
      'Refresh',
    );
    expect(refreshed.status).toBe(200);
    await spec.check('getTokenByRefresh', refreshed);

    for (const t of [clientBody.access_token, codeBody.access_token]) {
      const info = await get(sim, `/oauth2/tokenInfo?access_token=${t}`);
      expect(info.status).toBe(200);
      await spec.check('getTokenInfo', info);
    }

    const revoke = await sim.fetch(
      new Request(`http://sim/oauth2/token?Revoke&access_token=${clientBody.access_token}`, {
        method: 'DELETE',
      }),
    );
    expect(revoke.status).toBe(204);
    await spec.check('revokeAccessToken', revoke);
    const again = await sim.fetch(
      new Request(`http://sim/oauth2/token?access_token=${clientBody.access_token}`, { method: 'DELETE' }),
    );
    expect(again.status).toBe(400);
    await spec.check('revokeAccessToken', again);
  });

  it('grant errors carry the spec error body', async () => {
    const { sim } = makeSim();
    const cases: [string, Record<string, unknown>, number][] = [
      [
        'getTokenByClient',
        { grant_type: 'client_credentials', client_id: 'demo-app-key', client_secret: 'nope' },
        401,
      ],
      ['getTokenByClient', { grant_type: 'client_credentials' }, 400],
      ['getTokenByPassword', { grant_type: 'password', username: 'demo.admin', password: 'wrong' }, 401],
      [
        'getTokenByCode',
        {
          grant_type: 'authorization_code',
          client_id: 'demo-app-key',
          client_secret: 'demo-app-secret',
          code: 'x',
          redirectUri: 'http://a/b',
        },
        401,
      ],
      [
        'getTokenByRefresh',
        {
          grant_type: 'refresh_token',
          client_id: 'demo-app-key',
          client_secret: 'demo-app-secret',
          refresh_token: 'x',
        },
        401,
      ],
      ['getTokenByClient', { grant_type: 'meeting_passcode' }, 400],
    ];
    for (const [op, body, status] of cases) {
      const res = await tokenRequest(sim, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      const parsed = await spec.check<{ message: string }>(op, res);
      expect(parsed.message.length).toBeGreaterThan(0);
    }
    const info = await get(sim, '/oauth2/tokenInfo?access_token=nope');
    expect(info.status).toBe(401);
    await spec.check('getTokenInfo', info);
  });
});

describe('error responses conform on every data endpoint', () => {
  it('401, 403, 400, 404, 429 and JSON 5xx bodies match the spec Error', async () => {
    const { sim, clock } = makeSim();
    const e = sim.enterpriseId;
    const admin = await appToken(sim);
    const plain = await userToken(sim, 'plain');
    const low = new Date(T0 - 2 * DAY).toISOString();
    const high = new Date(T0).toISOString();
    const window = filterParam([
      { type: 'date', comparison: 'eq', value: low, field: 'lowts' },
      { type: 'date', comparison: 'eq', value: high, field: 'hights' },
    ]);
    const endpoints: [string, string, string][] = [
      ['searchUsers', `/v1/enterprise/${e}/users`, `/v1/enterprise/${e}/users?pageSize=0`],
      [
        'getMeetingsPastByEnterprise',
        `/v1/enterprise/${e}/indigo/meetings`,
        `/v1/enterprise/${e}/indigo/meetings?filter=notjson`,
      ],
      [
        'getMeetingsLiveByEnterprise',
        `/v1/enterprise/${e}/indigo/meetings/live`,
        '/v1/enterprise/notanumber/indigo/meetings/live',
      ],
      [
        'getMeetingPastByEnterprise',
        `/v1/enterprise/${e}/indigo/meetings/abc`,
        `/v1/enterprise/${e}/indigo/meetings/abc?includeEndpoints=maybe`,
      ],
      [
        'listHistoryByEnterprise',
        `/v1/enterprise/${e}/meeting_history`,
        `/v1/enterprise/${e}/meeting_history?startDate=2026-01-01`,
      ],
      [
        'getHistoryByEnterprise',
        `/v1/enterprise/${e}/meeting_history/1:2`,
        `/v1/enterprise/notanumber/meeting_history/1:2`,
      ],
      [
        'getEnterpriseUsersActive',
        `/v2/enterprise/${e}/indigo/analytics/users/active?filter=${window}`,
        `/v2/enterprise/${e}/indigo/analytics/users/active`,
      ],
      [
        'getMeetingUsageV2',
        `/v2/enterprise/${e}/indigo/analytics/meetings/usage?filter=${window}`,
        `/v2/enterprise/${e}/indigo/analytics/meetings/usage?filter=[]`,
      ],
      [
        'getTopUsersV2',
        `/v2/enterprise/${e}/indigo/analytics/users/usage?filter=${window}`,
        `/v2/enterprise/${e}/indigo/analytics/users/usage?filter=[{}]`,
      ],
    ];
    for (const [op, ok, bad] of endpoints) {
      expect((await call(sim, op, ok)).status, `${op} without token`).toBe(401);
      expect((await call(sim, op, ok, 'not-a-token')).status, `${op} bad token`).toBe(401);
      expect((await call(sim, op, ok, plain)).status, `${op} non-admin`).toBe(403);
      expect(
        (await call(sim, op, ok.replace(`/${e}/`, '/999/'), admin)).status,
        `${op} other enterprise`,
      ).toBe(403);
      expect((await call(sim, op, bad, admin)).status, `${op} bad request`).toBe(400);
    }
    expect(
      (await call(sim, 'getMeetingPastByEnterprise', `/v1/enterprise/${e}/indigo/meetings/abc`, admin))
        .status,
    ).toBe(404);
    expect(
      (await call(sim, 'getHistoryByEnterprise', `/v1/enterprise/${e}/meeting_history/1:2`, admin)).status,
    ).toBe(404);
    expect((await call(sim, 'getEnterpriseProfile', '/v1/user/1/enterprise_profile', admin)).status).toBe(
      404,
    );
    const adminId = (await (
      await get(sim, `/oauth2/tokenInfo?access_token=${await userToken(sim, 'admin')}`)
    ).json()) as { user: number };
    expect(
      (await call(sim, 'getEnterpriseProfile', `/v1/user/${adminId.user}/enterprise_profile`, plain)).status,
    ).toBe(403);

    // Expired token: 401 with the spec body.
    clock.advance(3601_000);
    expect((await call(sim, 'searchUsers', `/v1/enterprise/${e}/users`, admin)).status).toBe(401);

    // Rate limit: 429 with Retry-After, spec body.
    const fresh = await appToken(sim);
    sim.control.setFaults({ rateLimit: 2 });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await get(sim, `/v1/enterprise/${e}/users`, fresh);
      statuses.push(res.status);
      if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      await spec.check('searchUsers', res);
    }
    expect(statuses).toEqual([200, 200, 429, 429]);

    // JSON 5xx faults conform; HTML / text gateway errors are the deliberate non-JSON bodies NOTES warns of.
    sim.control.setFaults({ rateLimit: 0, faultRate: 1 });
    const kinds = new Set<string>();
    for (let i = 0; i < 24; i++) {
      const res = await get(sim, `/v1/enterprise/${e}/users`, fresh);
      expect(res.status).toBeGreaterThanOrEqual(500);
      const type = res.headers.get('content-type') ?? '';
      kinds.add(`${res.status} ${type.split(';')[0]}`);
      if (type.includes('application/json')) await spec.check('searchUsers', res);
    }
    expect(kinds).toEqual(
      new Set(['500 application/json', '503 application/json', '502 text/html', '504 text/plain']),
    );
  });
});
