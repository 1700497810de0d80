/** How connection routes answer: one URL, two shapes (fragment for htmx, page otherwise). */
import type { Context } from 'hono';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ConnectMode } from '../connections/connect';
import type { AppEnv } from '../deps';
import { isHtmx } from '../lib/http-errors';
import { ConnectPage, FlowDone } from '../views/connect-page';
import { loadCardModel } from './card-response';
import { loadConnection } from './connection-support';

type Ctx = Context<AppEnv>;

export function titleFor(mode: ConnectMode): string {
  return mode === 'connect' ? 'Connect BlueJeans' : 'Reconnect BlueJeans';
}

/** The inside of `#connect-flow` for htmx; the same inside the connect page otherwise. */
export function flowResponse(
  c: Ctx,
  title: string,
  fragment: HtmlEscapedString | Promise<HtmlEscapedString>,
  status: ContentfulStatusCode = 200,
) {
  if (isHtmx(c.req)) return c.html(fragment, status);
  return c.html(<ConnectPage title={title}>{fragment}</ConnectPage>, status);
}

/** Dashboard notices after a flow; the dashboard shows only these known ones (never text from a URL). */
export const NOTICES = {
  connected: 'BlueJeans is connected. The first sync starts within 15 minutes, or at once with Sync now.',
  reconnected: 'BlueJeans is reconnected. Syncing resumes with the next scheduled run.',
  cancelled: 'Nothing was saved.',
  disconnected: 'BlueJeans is disconnected. Synced data was kept.',
  'disconnected-deleted': 'BlueJeans is disconnected and its synced data was deleted.',
} as const;
export type NoticeKey = keyof typeof NOTICES;

export function isNoticeKey(value: string | undefined): value is NoticeKey {
  return value !== undefined && Object.hasOwn(NOTICES, value);
}

/** The end of a successful connect-flow POST: result and card in place for htmx, a 303 to the dashboard otherwise. */
export async function done(c: Ctx, notice: NoticeKey) {
  if (!isHtmx(c.req)) return c.redirect(`/?notice=${notice}`, 303);
  const row = await loadConnection(c);
  return c.html(<FlowDone message={NOTICES[notice]} card={await loadCardModel(c, row)} />);
}
