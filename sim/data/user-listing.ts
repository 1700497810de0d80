import type { SimUser, UserDirectory } from './users';

/** Sortable fields of the enterprise user search (`sortBy`). */
export const SORT_FIELDS = [
  'id',
  'username',
  'firstName',
  'lastName',
  'email',
  'enterpriseJoinDate',
  'isEnterpriseAdmin',
] as const;
export type SortField = (typeof SORT_FIELDS)[number];

interface Ordering {
  perm: Int32Array;
  inv: Int32Array;
}

/**
 * Sorted views of the directory for the user search. An ordering is built once per sort field (one
 * Int32Array pair, O(users)); after that a page costs O(page + log) even while users are removed.
 */
export class UserListing {
  private readonly users: UserDirectory;
  private readonly orderings = new Map<SortField, Ordering>();

  constructor(users: UserDirectory) {
    this.users = users;
  }

  private ordering(field: SortField): Ordering {
    let o = this.orderings.get(field);
    if (o) return o;
    const perm = new Int32Array(this.users.count);
    for (let i = 0; i < this.users.count; i++) perm[i] = i;
    if (field !== 'id') {
      const keys: (string | number)[] = new Array(this.users.count);
      for (let i = 0; i < this.users.count; i++) keys[i] = sortKey(this.users.user(i), field);
      perm.sort((a, b) => {
        const ka = keys[a] ?? '';
        const kb = keys[b] ?? '';
        return ka < kb ? -1 : ka > kb ? 1 : a - b;
      });
    }
    const inv = new Int32Array(this.users.count);
    for (let p = 0; p < this.users.count; p++) inv[perm[p] ?? 0] = p;
    o = { perm, inv };
    this.orderings.set(field, o);
    return o;
  }

  /**
   * A page of present users in the given order, in O(page + log) time once the ordering exists:
   * the k-th present user is found by counting removed positions, not by walking the list.
   */
  page(now: number, field: SortField, desc: boolean, offset: number, limit: number): SimUser[] {
    const { perm, inv } = this.ordering(field);
    const n = this.users.count;
    const removedPositions = this.users
      .removedIndices(now)
      .map((i) => (desc ? n - 1 - (inv[i] ?? 0) : (inv[i] ?? 0)))
      .sort((a, b) => a - b);
    const countAtOrBelow = (p: number) => upperBound(removedPositions, p);
    // Least fixed point of p = offset + removed(<= p) is the position of the offset-th present user.
    let p = offset;
    for (;;) {
      const next = offset + countAtOrBelow(p);
      if (next === p) break;
      p = next;
    }
    const out: SimUser[] = [];
    let r = upperBound(removedPositions, p - 1);
    for (; p < n && out.length < limit; p++) {
      if (removedPositions[r] === p) {
        r++;
        continue;
      }
      const index = perm[desc ? n - 1 - p : p];
      if (index !== undefined) out.push(this.users.user(index));
    }
    return out;
  }

  /** All present users matching `match`, in order (a search is a scan; used for textSearch / emailId). */
  search(now: number, field: SortField, desc: boolean, match: (u: SimUser) => boolean): SimUser[] {
    const { perm } = this.ordering(field);
    const out: SimUser[] = [];
    for (let p = 0; p < this.users.count; p++) {
      const index = perm[desc ? this.users.count - 1 - p : p];
      if (index === undefined || this.users.isRemoved(index, now)) continue;
      const u = this.users.user(index);
      if (match(u)) out.push(u);
    }
    return out;
  }
}

function sortKey(u: SimUser, field: SortField): string | number {
  switch (field) {
    case 'id':
      return u.id;
    case 'enterpriseJoinDate':
      return u.joinedAt;
    case 'isEnterpriseAdmin':
      return u.isEnterpriseAdmin ? 1 : 0;
    case 'email':
      return u.email;
    default:
      return u[field].toLowerCase();
  }
}

/** Number of elements of the sorted array `xs` that are <= `value`. */
export function upperBound(xs: readonly number[], value: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((xs[mid] ?? 0) <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
