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

/** A local user's password login; the hub's words when it refuses. */
export async function passwordLogin(user: string, password: string): Promise<void> {
  const response = await fetch("/v1/web/login/password", {
    method: "POST",
    headers: { "content-type": "application/json", "x-warren-console": "1" },
    credentials: "same-origin",
    body: JSON.stringify({ user, password }),
  });
  if (response.ok) return;
  const body = (await response.json().catch(() => ({}))) as Partial<ErrorResponse>;
  throw new ApiError(response.status, body.error ?? `the hub answered ${response.status}`);
}
