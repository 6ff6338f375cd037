import type { LogFields } from "./logger.js";

/** An error as log fields: its message and code, and its stack only at debug level. */
export function errorFields(error: unknown): LogFields {
  if (!(error instanceof Error)) return { error: String(error) };
  const code = (error as { code?: unknown }).code;
  return {
    error: error.message,
    ...(code !== undefined ? { errorCode: code } : {}),
    ...(error.cause instanceof Error ? { cause: error.cause.message } : {}),
  };
}
