import { rolesFromTeams } from "./claims-to-roles.js";
import type { GithubConnectorSpec } from "./connector-document.js";
import type { BrowserChecks, ProviderIdentity, SsoProvider } from "./provider-identity.js";
import { providerUnavailable, ssoFailed } from "./sso-errors.js";

interface GithubTeam {
  slug?: unknown;
  organization?: { login?: unknown };
}

const TEAM_PAGES_MAX = 10;

/** GitHub's OAuth app flow; teams come from its API (GitHub has no OpenID Connect for people). */
export class GithubProvider implements SsoProvider {
  constructor(
    private readonly spec: GithubConnectorSpec,
    private readonly clientSecret: string,
  ) {}

  authUrl(checks: BrowserChecks): Promise<URL> {
    const url = new URL("/login/oauth/authorize", this.spec.endpointUrl);
    url.search = new URLSearchParams({
      client_id: this.spec.clientId,
      redirect_uri: checks.redirectUrl,
      scope: "read:org read:user user:email",
      state: checks.state,
    }).toString();
    return Promise.resolve(url);
  }

  async finish(callback: URL, checks: BrowserChecks): Promise<ProviderIdentity> {
    const denied = callback.searchParams.get("error");
    if (denied !== null) {
      throw ssoFailed(
        `GitHub refused the login: ${denied} ${callback.searchParams.get("error_description") ?? ""}`.trim(),
      );
    }
    const token = await this.exchange(callback.searchParams.get("code") ?? "", checks);
    const user = (await this.api(token, "/user")) as { login?: unknown; email?: unknown };
    if (typeof user.login !== "string")
      throw providerUnavailable(this.spec.name, new Error("GitHub's /user has no login"));
    const teams = await this.teams(token);
    const traits: Record<string, string[]> = {
      username: [user.login],
      logins: [user.login],
      github_teams: teams,
    };
    if (typeof user.email === "string" && user.email !== "") traits.email = [user.email];
    return { username: user.login, traits, roles: rolesFromTeams(this.spec.teamsToRoles, teams) };
  }

  private async exchange(code: string, checks: BrowserChecks): Promise<string> {
    const answer = await this.fetchJson(
      new URL("/login/oauth/access_token", this.spec.endpointUrl),
      {
        method: "POST",
        headers: {
          accept: "application/json",
          "content-type": "application/x-www-form-urlencoded",
        },
        body: new URLSearchParams({
          client_id: this.spec.clientId,
          client_secret: this.clientSecret,
          code,
          redirect_uri: checks.redirectUrl,
        }).toString(),
      },
    );
    const {
      access_token: accessToken,
      error,
      error_description: description,
    } = answer as Record<string, unknown>;
    if (typeof accessToken === "string") return accessToken;
    throw ssoFailed(
      `GitHub refused the code: ${typeof error === "string" ? error : "no access_token"}${typeof description === "string" ? ` (${description})` : ""}`,
    );
  }

  private async teams(token: string): Promise<string[]> {
    const teams: string[] = [];
    for (let page = 1; page <= TEAM_PAGES_MAX; page++) {
      const batch = (await this.api(
        token,
        `/user/teams?per_page=100&page=${String(page)}`,
      )) as GithubTeam[];
      if (!Array.isArray(batch)) break;
      for (const team of batch) {
        const org = team.organization?.login;
        if (typeof org === "string" && typeof team.slug === "string")
          teams.push(`${org}/${team.slug}`);
      }
      if (batch.length < 100) break;
    }
    return teams;
  }

  private api(token: string, path: string): Promise<unknown> {
    const base = this.spec.apiEndpointUrl.replace(/\/$/, "");
    return this.fetchJson(new URL(`${base}${path}`), {
      headers: { accept: "application/vnd.github+json", authorization: `Bearer ${token}` },
    });
  }

  private async fetchJson(url: URL, init: RequestInit): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
    } catch (error) {
      throw providerUnavailable(this.spec.name, error);
    }
    if (!response.ok) {
      throw providerUnavailable(
        this.spec.name,
        new Error(`${url.pathname} answered HTTP ${String(response.status)}`),
      );
    }
    return response.json();
  }
}
