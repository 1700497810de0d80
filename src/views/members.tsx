/** The Members page: who belongs to this organization, with which role (admins manage it). */
import type { Role } from '../lib/roles';
import { Layout } from './layout';

export interface MemberView {
  email: string;
  role: Role;
  createdBy: string;
}

export interface MembersProps {
  orgName: string;
  members: MemberView[];
  /** The signed-in person's email (they may not remove or demote themselves into no admin). */
  me: string;
  notice?: string | undefined;
  error?: string | undefined;
  emailValue?: string | undefined;
  localMode: boolean;
}

export function MembersPanel(p: MembersProps) {
  const admins = p.members.filter((m) => m.role === 'admin').length;
  return (
    <div id="members-panel">
      {p.notice ? (
        <p class="notice" role="status">
          {p.notice}
        </p>
      ) : null}
      {p.error ? (
        <p class="notice bad" role="alert">
          {p.error}
        </p>
      ) : null}
      <table class="stack">
        <caption class="visually-hidden">Members of this organization</caption>
        <thead>
          <tr>
            <th scope="col">Email</th>
            <th scope="col">Role</th>
            <th scope="col">Added by</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {p.members.map((m) => {
            const lastAdmin = m.role === 'admin' && admins <= 1;
            return (
              <tr>
                <td data-label="Email">{m.email}</td>
                <td data-label="Role">
                  <form
                    method="post"
                    action="/members/role"
                    hx-post="/members/role"
                    hx-target="#members-panel"
                    hx-swap="outerHTML"
                  >
                    <input type="hidden" name="email" value={m.email} />
                    <label class="visually-hidden" for={`role-${m.email}`}>
                      Role of {m.email}
                    </label>
                    <select id={`role-${m.email}`} name="role" disabled={lastAdmin}>
                      <option value="admin" selected={m.role === 'admin'}>
                        admin
                      </option>
                      <option value="viewer" selected={m.role === 'viewer'}>
                        viewer
                      </option>
                    </select>{' '}
                    {lastAdmin ? (
                      <span class="muted">the last admin</span>
                    ) : (
                      <button type="submit">Change role</button>
                    )}
                  </form>
                </td>
                <td class="muted" data-label="Added by">
                  {m.createdBy}
                </td>
                <td>
                  {lastAdmin ? null : (
                    <form
                      method="post"
                      action="/members/remove"
                      hx-post="/members/remove"
                      hx-target="#members-panel"
                      hx-swap="outerHTML"
                    >
                      <input type="hidden" name="email" value={m.email} />
                      <button type="submit">Remove</button>
                    </form>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <h2>Add a member</h2>
      <form method="post" action="/members" hx-post="/members" hx-target="#members-panel" hx-swap="outerHTML">
        <div class="field">
          <label for="member-email">Email (as Cloudflare Access signs it in)</label>
          <input
            id="member-email"
            name="email"
            type="email"
            required
            maxlength={254}
            value={p.emailValue}
            autocomplete="off"
          />
        </div>
        <div class="field">
          <label for="member-role">Role</label>
          <select id="member-role" name="role">
            <option value="viewer">viewer: reads the card, usage and licences</option>
            <option value="admin">admin: connects, syncs, changes settings, manages members</option>
          </select>
        </div>
        <button type="submit">Add member</button>
      </form>
      {p.localMode ? (
        <p class="muted">
          In local mode the visitor is always the admin; members take effect behind Cloudflare Access
          (AUTH_MODE=access).
        </p>
      ) : null}
    </div>
  );
}

export function MembersPage(p: MembersProps) {
  return (
    <Layout title="Members">
      <p>
        <a href="/">← Connections</a>
      </p>
      <h1>Members of {p.orgName}</h1>
      <p class="muted">
        Admins connect, sync and change settings, licences and members; viewers read and change nothing. Every
        change is written to the activity log.
      </p>
      <MembersPanel {...p} />
    </Layout>
  );
}

export interface OrgChoice {
  slug: string;
  name: string;
  role: Role;
  current: boolean;
}

/** The organization switcher: the organizations the signed-in person belongs to. */
export function OrgSwitcherPage({ orgs }: { orgs: OrgChoice[] }) {
  return (
    <Layout title="Your organizations">
      <h1>Your organizations</h1>
      <ul>
        {orgs.map((o) => (
          <li>
            <form method="post" action="/orgs/switch">
              <input type="hidden" name="org" value={o.slug} />
              <strong>{o.name}</strong>{' '}
              <span class="muted">
                ({o.slug}, {o.role})
              </span>{' '}
              {o.current ? <span>current</span> : <button type="submit">Switch to {o.name}</button>}
            </form>
          </li>
        ))}
      </ul>
    </Layout>
  );
}
