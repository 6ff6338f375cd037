/**
 * Field names whose values are secrets. Code should never log them; this is the second line
 * of defence: pino replaces them wherever they appear, at the top level or one level down.
 */
export const SECRET_FIELD_NAMES = [
  "token",
  "joinToken",
  "secret",
  "password",
  "privateKeyPem",
  "privateKey",
  "key",
  "keyPem",
  "authorization",
  "Authorization",
] as const;

export const REDACTED = "[redacted]";

const SECRET_NAMES: ReadonlySet<string> = new Set(SECRET_FIELD_NAMES);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** Replaces secret-named values in `fields`; a copy only when there is one (`nested`: one level down too). */
function redacted(fields: Record<string, unknown>, nested: boolean): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    let safe = value;
    if (SECRET_NAMES.has(key)) safe = REDACTED;
    else if (nested && isPlainObject(value)) safe = redacted(value, false);
    if (safe !== value) {
      copy ??= { ...fields };
      copy[key] = safe;
    }
  }
  return copy ?? fields;
}

/**
 * `fields` with secrets replaced, at the top level and one level down; the caller's object is
 * never changed. Done here rather than by pino's path-based redaction, which cost a kubectl
 * request through the hub more CPU than the request's own audit record.
 */
export function redactFields<T extends Record<string, unknown>>(fields: T): T {
  return redacted(fields, true) as T;
}
