/**
 * The reclaim flow through the app against the simulator: opt-in, review, confirm, the job, progress,
 * the users table afterwards, realized savings, and every refusal (nothing stored, nobody removed).
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, bjUsers, connections, licenceSettings, reclaimJobs } from '../../db/schema';
import { pendingReclaims } from '../../src/reclaim/runner';
import { textOf } from '../usage/builders';
import { form, jobIdOf, type ReclaimEnv, reclaimEnv } from './support';

async function settle(env: ReclaimEnv) {
  for (let i = 0; i < 50; i++) {
    const p = pendingReclaims(env.deps);
    if (p.length === 0) return;
    await Promise.all(p);
  }
}

/** What must not change when a request is refused. */
async function untouched(env: ReclaimEnv) {
  return {
    jobs: (await env.jobs()).length,
    removed: env.removedAtSim().length,
    users: (await env.users()).map((u) => [u.userId, u.removedAt, u.reclaimedAt]),
  };
}

describe('POST /licences/reclaim before the opt-in', () => {
  it('is a 409 page that says how to opt in, for an admin (viewers get 403 from the role matrix)', async () => {
    const env = await reclaimEnv();
    const [u] = await env.removable();
    const before = await untouched(env);
    const res = await env.request('/licences/reclaim', form({ userId: u!.userId }));
    expect(res.status).toBe(409);
    const text = textOf(await res.text());
    expect(text).toContain('Removing users is off');
    expect(text).toContain('Allow Seatwise to remove users you approve');
    expect(await untouched(env)).toEqual(before);
  });
});

describe('the opt-in', () => {
  it('is recorded in the activity log and revocable; the table shows checkboxes only with it', async () => {
    const env = await reclaimEnv();
    let page = await (await env.request('/usage/users')).text();
    expect(page).not.toContain('name="userId"');
    expect((await env.allow('yes')).status).toBe(303);
    page = await (await env.request('/usage/users')).text();
    expect(page).toContain('name="userId"');
    expect(page).toContain('action="/licences/reclaim"');
    expect((await env.allow('no')).status).toBe(303);
    const actions = (await env.deps.db.select().from(auditLog).all()).map((a) => a.action);
    expect(actions).toContain('licences.removal_allowed');
    expect(actions).toContain('licences.removal_revoked');
    const [u] = await env.removable();
    expect((await env.request('/licences/reclaim', form({ userId: u!.userId }))).status).toBe(409);
  });
});

describe('select, review, confirm, progress, removed', () => {
  it('removes three users once each, logs each with the approver, and shows them as removed', async () => {
    const env = await reclaimEnv();
    await env.request(
      '/licences/settings',
      form({ seatPrice: '12.34', billing: 'monthly', currency: 'USD' }),
    );
    await env.allow();
    const picked = (await env.removable()).slice(0, 3);
    const ids = picked.map((u) => u.userId);

    const reviewRes = await env.request('/licences/reclaim', form({ userId: ids }));
    expect(reviewRes.status).toBe(200);
    const review = await reviewRes.text();
    for (const id of ids) expect(review).toContain(`data-user-id="${id}"`);
    // 12.34 a month = 148.08 a year; three seats = 444.24, exact.
    expect(textOf(review)).toContain('3 seats × $148.08 a year = $444.24 a year');
    expect(review).toContain('name="confirm" value="3"');
    expect(await env.jobs()).toHaveLength(0);
    expect(env.removedAtSim()).toEqual([]);

    const started = await env.request('/licences/reclaim', form({ userId: ids, confirm: '3' }));
    expect(started.status).toBe(303);
    const jobId = jobIdOf(started);
    // A double submit finds the same job.
    const again = await env.request('/licences/reclaim', form({ userId: [...ids].reverse(), confirm: '3' }));
    expect(again.status).toBe(303);
    expect(jobIdOf(again)).toBe(jobId);
    await settle(env);

    expect(env.removedAtSim().sort()).toEqual([...ids].sort());
    const listed = await env.listed();
    for (const id of ids) expect(listed.has(id)).toBe(false);
    const [job] = await env.jobs();
    expect(job).toMatchObject({ id: jobId, status: 'done', total: 3, approvedBy: 'local-admin' });
    expect(job!.finishedAt).not.toBeNull();
    expect((await env.items(jobId)).map((i) => i.status)).toEqual(['removed', 'removed', 'removed']);

    const progress = await env.request(`/licences/reclaim/${jobId}`);
    expect(progress.status).toBe(200);
    const ptext = textOf(await progress.text());
    expect(ptext).toContain('3 of 3 users handled: 3 removed');

    const entries = (await env.deps.db.select().from(auditLog).all()).filter((a) =>
      a.action.startsWith('reclaim.'),
    );
    expect(entries.filter((e) => e.action === 'reclaim.user_removed')).toHaveLength(3);
    for (const e of entries.filter((x) => x.action === 'reclaim.user_removed')) {
      expect(e.actor).toBe('local-admin');
      expect(JSON.parse(e.detail).approvedBy).toBe('local-admin');
    }
    expect(entries.map((e) => e.action)).toContain('reclaim.finished');

    // Synced data is kept; the user shows as removed by Seatwise with the approver.
    const rows = (await env.users()).filter((u) => ids.includes(u.userId));
    expect(rows).toHaveLength(3);
    for (const r of rows) expect(r).toMatchObject({ reclaimedBy: 'local-admin', reclaimJobId: jobId });
    const removedPage = await env.request('/usage/users?status=removed');
    expect(removedPage.status).toBe(200);
    const removedText = textOf(await removedPage.text());
    expect(removedText).toContain('by Seatwise on');
    expect(removedText).toContain('approved by local-admin');

    // Realized savings: three seats reclaimed through Seatwise.
    const summary = (await (await env.request('/licences/summary.json')).json()) as Record<string, unknown>;
    expect(summary.realizedSavingsAnnual).toBe('444.24');
    const licences = textOf(await (await env.request('/licences')).text());
    expect(licences).toContain('3 seats reclaimed through Seatwise');
    expect(licences).toContain('approved by local-admin');

    // A later sync keeps them removed and keeps who approved it.
    await env.syncToEnd();
    const after = (await env.users()).filter((u) => ids.includes(u.userId));
    for (const r of after) {
      expect(r.removedAt).not.toBeNull();
      expect(r.reclaimedBy).toBe('local-admin');
    }
  });

  it('above 10 users asks for the number typed back; a wrong number changes nothing', async () => {
    const env = await reclaimEnv();
    await env.allow();
    const ids = (await env.removable()).slice(0, 12).map((u) => u.userId);
    const review = await (await env.request('/licences/reclaim', form({ userId: ids }))).text();
    expect(review).toContain('Type 12, the number of users, to confirm');
    expect(review).not.toContain('name="confirm" value="12"');
    const before = await untouched(env);
    for (const wrong of ['11', '', 'twelve', '12.0']) {
      const res = await env.request('/licences/reclaim', form({ userId: ids, confirm: wrong }));
      expect(res.status, wrong).toBe(422);
      expect(textOf(await res.text())).toContain('To confirm, type 12');
    }
    expect(await untouched(env)).toEqual(before);
    const ok = await env.request('/licences/reclaim', form({ userId: ids, confirm: ' 12 ' }));
    expect(ok.status).toBe(303);
    await settle(env);
    expect(env.removedAtSim().sort()).toEqual([...ids].sort());
  });

  it('"all N reclaim recommendations" of the filter reviews exactly those users', async () => {
    const env = await reclaimEnv();
    await env.allow();
    const page = await (await env.request('/usage/users?recommendation=reclaim')).text();
    const m = /Review all (\d+) reclaim recommendation/.exec(page);
    expect(m).not.toBeNull();
    const n = Number(m![1]);
    const res = await env.request('/licences/reclaim', form({ all: 'reclaim', q: '', status: 'all' }));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect((html.match(/<tr data-user-id=/g) ?? []).length).toBe(n);
    expect(await env.jobs()).toHaveLength(0);
  });

  it('cancel stops what has not started; the job ends cancelled with the rest skipped', async () => {
    const env = await reclaimEnv({ queue: true });
    await env.allow();
    const ids = (await env.removable()).slice(0, 4).map((u) => u.userId);
    const res = await env.request('/licences/reclaim', form({ userId: ids, confirm: '4' }));
    const jobId = jobIdOf(res);
    // With a queue, nothing ran yet: the message is waiting.
    expect(env.sent).toContainEqual({ type: 'reclaim', jobId, turn: 1 });
    const cancel = await env.request(`/licences/reclaim/${jobId}/cancel`, { method: 'POST' });
    expect(cancel.status).toBe(303);
    const { consumeSyncMessages } = await import('../../src/sync/queue');
    for (let i = 0; i < 10 && env.sent.length > 0; i++) {
      const body = env.sent.shift();
      await consumeSyncMessages(env.deps, [{ body, attempts: 1, ack() {}, retry() {} }]);
    }
    const job = await env.deps.db.select().from(reclaimJobs).where(eq(reclaimJobs.id, jobId)).get();
    expect(job).toMatchObject({ status: 'cancelled' });
    expect(job!.finishedAt).not.toBeNull();
    expect((await env.items(jobId)).every((i) => i.status === 'skipped')).toBe(true);
    expect(env.removedAtSim()).toEqual([]);
    const again = await env.request(`/licences/reclaim/${jobId}/cancel`, { method: 'POST' });
    expect(again.status).toBe(409);
  });
});

describe('refusals: 4xx with the reason on the page, nothing stored, nobody removed', () => {
  it('an empty selection, an unknown user, an admin, exempt users, the connecting account, another org', async () => {
    const env = await reclaimEnv();
    await env.allow();
    const [ok] = await env.removable();
    const [admin] = await env.admins();
    expect(admin).toBeDefined();
    const [exemptUser, domainUser] = (await env.removable()).slice(1, 3);
    await env.request(
      '/licences/settings',
      form({ exempt: `${exemptUser!.email}\n@${domainUser!.email!.split('@')[1]}-never.example` }),
    );
    // The connecting account: make the connection a user's login.
    const connecting = (await env.removable())[3]!;
    await env.deps.db
      .update(connections)
      .set({ publicConfig: JSON.stringify({ method: 'password', username: connecting.username }) })
      .where(eq(connections.id, env.connectionId));
    // A user of another organization's connection.
    const { ensureOrganization, getOrCreateConnection } = await import('../../src/connections/store');
    await ensureOrganization(env.deps.db, 'globex');
    const other = await getOrCreateConnection(env.deps.db, 'globex', 'bluejeans');
    await env.deps.db.insert(bjUsers).values({
      connectionId: other.id,
      userId: 'globex-42',
      username: 'g',
      firstSeenAt: 1,
      lastListedAt: 1,
    });

    const before = await untouched(env);
    const cases: [string, Record<string, string | string[]>, number, string][] = [
      ['empty', {}, 422, 'Select at least one user'],
      ['empty with confirm', { confirm: '0' }, 422, 'Select at least one user'],
      ['blank ids', { userId: ['', ' '] }, 422, 'Select at least one user'],
      [
        'unknown',
        { userId: 'no-such-user', confirm: '1' },
        422,
        'is not a user of your BlueJeans enterprise',
      ],
      ['other org', { userId: 'globex-42', confirm: '1' }, 422, 'is not a user of your BlueJeans enterprise'],
      ['admin', { userId: admin!.userId, confirm: '1' }, 422, 'Seatwise never removes admins'],
      ['exempt', { userId: exemptUser!.userId, confirm: '1' }, 422, 'is exempt'],
      ['connecting', { userId: connecting.userId, confirm: '1' }, 422, 'the account Seatwise connects with'],
      ['mixed', { userId: [ok!.userId, admin!.userId], confirm: '2' }, 422, 'Nothing was removed'],
      ['oversized id', { userId: 'x'.repeat(65) }, 400, 'could not be read'],
    ];
    for (const [label, body, status, message] of cases) {
      const res = await env.request('/licences/reclaim', form(body));
      expect(res.status, label).toBe(status);
      const text = textOf(await res.text());
      expect(text, label).toContain(message);
      expect(text, label).not.toContain('Remove 1 user from BlueJeans');
    }
    expect(await untouched(env)).toEqual(before);
    // A cross-origin post is refused before anything else.
    const csrf = await env.app.request('http://127.0.0.1:8787/licences/reclaim', {
      ...form({ userId: ok!.userId, confirm: '1' }),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'https://evil.example' },
    });
    expect(csrf.status).toBe(403);
    // Unknown job ids are 404 pages.
    expect((await env.request('/licences/reclaim/rcl_nope')).status).toBe(404);
    expect((await env.request('/licences/reclaim/rcl_nope/cancel', { method: 'POST' })).status).toBe(404);
    expect(await untouched(env)).toEqual(before);
    expect(await env.deps.db.select().from(licenceSettings).all()).toHaveLength(1);
  });

  it('a user already in a running reclaim cannot be selected again', async () => {
    const env = await reclaimEnv({ queue: true });
    await env.allow();
    const [a, b] = await env.removable();
    const first = await env.request('/licences/reclaim', form({ userId: a!.userId, confirm: '1' }));
    expect(first.status).toBe(303);
    const res = await env.request(
      '/licences/reclaim',
      form({ userId: [a!.userId, b!.userId], confirm: '2' }),
    );
    expect(res.status).toBe(422);
    expect(textOf(await res.text())).toContain('already in a reclaim that is still running');
    expect(await env.jobs()).toHaveLength(1);
  });
});
