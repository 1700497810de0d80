import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { FAVICON_URL, HTMX_URL, STYLESHEET_URL } from '../lib/assets';
import type { Role } from '../lib/roles';

export interface LayoutProps {
  title: string;
  children: Child;
  /** Embedded pages (inside a host portal's iframe) drop the app chrome. */
  embed?: boolean;
  /** Extra same-origin scripts (CSP allows only 'self'), e.g. the embed's popup helper. */
  scripts?: string[];
  /** The reader's role: a viewer is not shown the admin-only pages (they would answer 403). */
  role?: Role;
}

/** The HTML shell of every full page. */
export function Layout({ title, children, embed = false, scripts = [], role }: LayoutProps) {
  const admin = role !== 'viewer';
  return (
    <>
      {raw('<!DOCTYPE html>')}
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <title>{`${title} · Seatwise`}</title>
          <link rel="icon" href={FAVICON_URL} type="image/svg+xml" />
          <link rel="stylesheet" href={STYLESHEET_URL} />
          <script src={HTMX_URL} defer />
          {scripts.map((src) => (
            <script src={src} defer />
          ))}
        </head>
        <body class={embed ? 'embed' : undefined}>
          {embed ? null : (
            <a class="skip-link" href="#main">
              Skip to content
            </a>
          )}
          {embed ? null : (
            <header class="top">
              <a class="brand" href="/">
                Seatwise
              </a>
              <nav aria-label="Main">
                <a href="/">Connections</a>
                <a href="/usage/users">Usage</a>
                <a href="/licences">Licences</a>
                {admin ? <a href="/members">Members</a> : null}
                {admin ? <a href="/settings/webhooks">Webhooks</a> : null}
              </nav>
            </header>
          )}
          {/* tabindex -1: the skip link moves focus (not only the scroll position) into the content. */}
          <main id="main" tabindex={-1}>
            {children}
          </main>
        </body>
      </html>
    </>
  );
}
