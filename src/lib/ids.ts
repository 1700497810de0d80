/** Sortable random ids (time prefix + randomness), safe in URLs. */
export function newId(prefix: string, now = Date.now()): string {
  const time = now.toString(36).padStart(9, '0');
  const rand = Array.from(crypto.getRandomValues(new Uint8Array(10)), (b) => (b % 36).toString(36)).join('');
  return `${prefix}_${time}${rand}`;
}
