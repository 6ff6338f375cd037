/** Headers that describe one hop, never forwarded (RFC 9110 §7.6.1), except for upgrades. */
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
]);

/** Kept on requests that switch protocols (exec, attach, port-forward). */
const UPGRADE_HEADERS = new Set(["connection", "upgrade"]);

/** What proves who the client is: the agent replaces all of it with its own. */
const CREDENTIALS = new Set(["authorization", "cookie", "proxy-authorization"]);

export const isImpersonationHeader = (name: string): boolean =>
  name.toLowerCase().startsWith("impersonate-");

export interface HeaderLine {
  name: string;
  value: string;
}

/** Node's raw header list ([name, value, name, value, …]) as lines, keeping repeats. */
export function headerLines(rawHeaders: readonly string[]): HeaderLine[] {
  const lines: HeaderLine[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    lines.push({ name: rawHeaders[i] ?? "", value: rawHeaders[i + 1] ?? "" });
  }
  return lines;
}

/**
 * The headers to pass on for a request or response: no hop-by-hop headers (but Connection and
 * Upgrade on upgrades), no credentials, no Impersonate-*. Both hub and agent apply it; the
 * agent does not trust the hub to have done so.
 */
export function forwardableHeaders(lines: readonly HeaderLine[], upgrade: boolean): HeaderLine[] {
  return lines.filter(({ name }) => {
    const lower = name.toLowerCase();
    if (CREDENTIALS.has(lower) || isImpersonationHeader(lower)) return false;
    return !HOP_BY_HOP.has(lower) || (upgrade && UPGRADE_HEADERS.has(lower));
  });
}

/** Whether a request asks to switch protocols (WebSocket or SPDY). */
export function isUpgradeRequest(lines: readonly HeaderLine[]): boolean {
  return lines.some(
    ({ name, value }) => name.toLowerCase() === "connection" && /\bupgrade\b/i.test(value),
  );
}
