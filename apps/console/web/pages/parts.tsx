import type { Loaded } from "../use-api.ts";

export function Problem({ loaded }: { loaded: Loaded<unknown> }) {
  if (loaded.loading) return <p class="loading">Loading…</p>;
  return loaded.error ? (
    <p class="error" role="alert">
      {loaded.error}
    </p>
  ) : null;
}

export function Health({ state, reason }: { state: string; reason?: string }) {
  return (
    <span class={`health health-${state}`} title={reason}>
      {state.replace(/_/g, " ")}
    </span>
  );
}

export function Labels({ labels }: { labels: Record<string, string> }) {
  return (
    <span class="labels">
      {Object.entries(labels).map(([key, value]) => (
        <span class="label">
          {key}={value}
        </span>
      ))}
    </span>
  );
}

export const when = (iso: string | undefined) =>
  iso === undefined ? "" : new Date(iso).toLocaleString(undefined, { hour12: false });
