import type { ErrorResponse } from "../src/api-types.ts";

/** A refusal from the hub's console API, with its words. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** GET /v1/web/<path> as JSON; the hub's own message on failure. */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(`/v1/web/${path}`, {
    headers: { accept: "application/json", "x-warren-console": "1" },
    credentials: "same-origin",
    ...(signal ? { signal } : {}),
  });
  const body = (await response.json().catch(() => ({}))) as T | Partial<ErrorResponse>;
  if (!response.ok) {
    const message = (body as Partial<ErrorResponse>).error ?? `the hub answered ${response.status}`;
    throw new ApiError(response.status, message);
  }
  return body as T;
}

export async function logOut(): Promise<void> {
  await fetch("/v1/web/logout", {
    method: "POST",
    headers: { "x-warren-console": "1" },
    credentials: "same-origin",
  });
}

/** ?a=b&c= for the non-empty values. */
export function query(params: Record<string, string>): string {
  const search = new URLSearchParams(Object.entries(params).filter(([, value]) => value !== ""));
  const text = search.toString();
  return text === "" ? "" : `?${text}`;
}
