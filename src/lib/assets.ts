import { VERSION } from '../version';

/** htmx is pinned; its file name carries its version, so it can be cached forever. */
export const HTMX_URL = '/assets/htmx-4.0.1.min.js';
/** The stylesheet changes with the app, so its URL carries the app version. */
export const STYLESHEET_URL = `/assets/app.css?v=${VERSION}`;

/** Drawn once, never changes: the file name is its version. */
export const FAVICON_URL = '/assets/favicon.svg';

/** The copy buttons' helper (invite links); versioned like the stylesheet. */
export const COPY_SCRIPT_URL = `/assets/copy.js?v=${VERSION}`;
