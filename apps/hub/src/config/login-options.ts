import {
  durationMs,
  hostPort,
  positiveInteger,
  type HostPort,
  type OptionSpec,
} from "@warren/config";

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export const DEFAULT_WEB_PORT = 3080;

/** The options of people's logins: the web address providers return to, session and lockout limits. */
export function loginOptionSpecs() {
  return {
    webListenAddr: {
      field: "web_listen_addr",
      flag: "web-listen-addr",
      env: "WARREN_HUB_WEB_LISTEN_ADDR",
      parse: hostPort({ allowPortZero: true, defaultPort: DEFAULT_WEB_PORT }),
      default: () => ({ host: "0.0.0.0", port: DEFAULT_WEB_PORT }),
      description:
        "host:port of the web address (HTTPS): identity providers send browsers back here",
    } satisfies OptionSpec<HostPort>,
    webPublicAddr: {
      field: "web_public_addr",
      flag: "web-public-addr",
      env: "WARREN_HUB_WEB_PUBLIC_ADDR",
      parse: (raw) => hostPort({ defaultPort: DEFAULT_WEB_PORT })(raw),
      default: (): HostPort | undefined => undefined,
      description:
        "address browsers reach the web address at; SSO connectors' default redirect_url is " +
        "https://<this>/v1/login/callback (default: the first public address's host)",
    } satisfies OptionSpec<HostPort | undefined>,
    loginSessionMaxTtlMs: {
      field: "login_session_max_ttl",
      env: "WARREN_HUB_LOGIN_SESSION_MAX_TTL",
      parse: durationMs,
      default: () => 12 * HOUR_MS,
      description: "the longest a login lasts; a role's max_session_ttl may make it shorter",
    } satisfies OptionSpec<number>,
    loginCertificateTtlMs: {
      field: "login_certificate_ttl",
      env: "WARREN_HUB_LOGIN_CERTIFICATE_TTL",
      parse: durationMs,
      default: () => HOUR_MS,
      description:
        "lifetime of each certificate of a login; warren renews it while the login lasts",
    } satisfies OptionSpec<number>,
    loginMaxFailures: {
      field: "login_max_failures",
      env: "WARREN_HUB_LOGIN_MAX_FAILURES",
      parse: positiveInteger(1000),
      default: () => 5,
      description: "wrong passwords for one user within login_lockout that lock its logins",
    } satisfies OptionSpec<number>,
    loginLockoutMs: {
      field: "login_lockout",
      env: "WARREN_HUB_LOGIN_LOCKOUT",
      parse: durationMs,
      default: () => 15 * MINUTE_MS,
      description: "how long logins stay locked after too many wrong passwords",
    } satisfies OptionSpec<number>,
    inviteTtlMs: {
      field: "invite_ttl",
      parse: durationMs,
      default: () => 24 * HOUR_MS,
      description: "how long a local user's invite to set a password lasts",
    } satisfies OptionSpec<number>,
  };
}
