import { useEffect, useState } from "preact/hooks";

import { getJson } from "./api.ts";

export interface Loaded<T> {
  data?: T;
  error?: string;
  loading: boolean;
}

/**
 * Loads `path` whenever it (or `version`) changes; a newer load cancels the older one.
 */
export function useApi<T>(path: string | undefined, version = 0): Loaded<T> {
  const [state, setState] = useState<Loaded<T>>({ loading: path !== undefined });
  useEffect(() => {
    if (path === undefined) return undefined;
    const abort = new AbortController();
    setState({ loading: true });
    getJson<T>(path, abort.signal).then(
      (data) => {
        setState({ data, loading: false });
      },
      (error: unknown) => {
        if (!abort.signal.aborted) setState({ error: (error as Error).message, loading: false });
      },
    );
    return () => {
      abort.abort();
    };
  }, [path, version]);
  return state;
}
