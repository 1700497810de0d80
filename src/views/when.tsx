import { formatDateTime, isoTime, relativeTime } from './format';

/** A moment as an accessible `<time>`: absolute date, with the relative one beside it. */
export function When({ at, now }: { at: number; now: number }) {
  return (
    <>
      <time datetime={isoTime(at)}>{formatDateTime(at)}</time>{' '}
      <span class="muted">({relativeTime(at, now)})</span>
    </>
  );
}
