/** What an identity provider established about the person at the browser. */
export interface ProviderIdentity {
  /** Becomes the Warren user name. */
  username: string;
  traits: Record<string, string[]>;
  roles: string[];
}

/** What a browser login carries from its start to its callback; kept by the hub only. */
export interface BrowserChecks {
  state: string;
  nonce: string;
  codeVerifier: string;
  redirectUrl: string;
}

/** A connector at run time: where to send the browser, and what came back. */
export interface SsoProvider {
  authUrl(checks: BrowserChecks): Promise<URL>;
  /** `callback` is the URL the provider sent the browser to, query included. */
  finish(callback: URL, checks: BrowserChecks): Promise<ProviderIdentity>;
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);

/** Plain http is allowed only to this machine (tests, a provider beside the hub); never beyond. */
export const isLoopbackHttp = (url: URL): boolean =>
  url.protocol === "http:" && LOOPBACK.has(url.hostname);
