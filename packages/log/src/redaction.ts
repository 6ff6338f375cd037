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

export function redactPaths(): string[] {
  return SECRET_FIELD_NAMES.flatMap((name) => [name, `*.${name}`]);
}
