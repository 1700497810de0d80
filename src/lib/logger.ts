/**
 * Structured one-line logs. Anything that looks like a credential is redacted by
 * key name before it is written, so a careless `detail` can't leak a secret.
 */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const SECRET_KEY = /secret|password|token|authorization|cookie|sealed|credential|refresh|key$/i;

/** Returns a copy with secret-looking keys replaced by "[redacted]". */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 5 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] = SECRET_KEY.test(k) ? '[redacted]' : redact(v, depth + 1);
  return out;
}

export function createLogger(write: (line: string) => void = (l) => console.log(l)): Logger {
  const log = (level: string) => (msg: string, fields?: Record<string, unknown>) =>
    write(JSON.stringify({ level, msg, ...(fields ? (redact(fields) as object) : {}) }));
  return { info: log('info'), warn: log('warn'), error: log('error') };
}

/** Collects lines in memory (tests scan them for secrets). */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return Object.assign(
    createLogger((l) => lines.push(l)),
    { lines },
  );
}
