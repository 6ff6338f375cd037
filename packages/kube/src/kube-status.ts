/** Reasons Kubernetes uses in Status objects; kubectl prints them as "Error from server (X)". */
const REASONS: Readonly<Record<number, string>> = {
  400: "BadRequest",
  401: "Unauthorized",
  403: "Forbidden",
  404: "NotFound",
  429: "TooManyRequests",
  500: "InternalError",
  502: "InternalError",
  503: "ServiceUnavailable",
  504: "Timeout",
};

export interface KubeStatus {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Failure";
  message: string;
  reason: string;
  code: number;
}

/** A failure as the API server would report it, so kubectl shows the message as it is. */
export function kubeStatus(code: number, message: string): KubeStatus {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason: REASONS[code] ?? "Unknown",
    code,
  };
}

/** Reads a Status object out of a response body, if it is one. */
export function parseKubeStatus(body: string): KubeStatus | undefined {
  try {
    const value = JSON.parse(body) as Partial<KubeStatus>;
    return value.kind === "Status" && typeof value.message === "string"
      ? (value as KubeStatus)
      : undefined;
  } catch {
    return undefined;
  }
}
