import { hash, Salt } from '../lib/prng';

/** The spec: "The API's return code has a very short valid period of 30 seconds." */
export const CODE_TTL_MS = 30_000;

/** An authorization code from the consent page, waiting to be exchanged. */
export interface CodeRecord {
  code: string;
  clientId: string;
  redirectUri: string;
  userIndex: number;
  scopes: string[];
  expiresAt: number;
}

/** Authorization codes of the 3-legged flow: valid 30 seconds, usable once. */
export class CodeStore {
  private readonly seed: number;
  private readonly codes = new Map<string, CodeRecord>();
  private counter = 0;

  constructor(seed: number) {
    this.seed = seed;
  }

  /** Issues a code for a consenting user. */
  issue(fields: Omit<CodeRecord, 'code' | 'expiresAt'>, now: number): CodeRecord {
    this.counter++;
    for (const [k, r] of this.codes) if (r.expiresAt < now) this.codes.delete(k);
    const code = `${hash(this.seed, Salt.code, this.counter, 0).toString(36)}${hash(this.seed, Salt.code, this.counter, 1).toString(36)}`;
    const record = { ...fields, code, expiresAt: now + CODE_TTL_MS };
    this.codes.set(code, record);
    return record;
  }

  /** Redeems a code once; expired, unknown or reused codes yield undefined. */
  consume(code: string, now: number): CodeRecord | undefined {
    const record = this.codes.get(code);
    if (!record) return undefined;
    this.codes.delete(code);
    return record.expiresAt >= now ? record : undefined;
  }

  /** Forgets every code (reset). */
  clear(): void {
    this.codes.clear();
    this.counter = 0;
  }
}
