import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface GithubAccount {
  login: string;
  email: string;
  /** "org/team-slug" */
  teams: string[];
}

export interface GithubStandin {
  /** Both endpoint_url and api_endpoint_url. */
  url: string;
  clientId: string;
  clientSecret: string;
  /** Who the next authorize request logs in as (GitHub's own login page is not modelled). */
  signedIn: string;
  close(): Promise<void>;
}

async function body(request: IncomingMessage): Promise<URLSearchParams> {
  let text = "";
  for await (const chunk of request) text += String(chunk);
  return new URLSearchParams(text);
}

/**
 * A loopback stand-in for the parts of GitHub an OAuth app uses (GitHub cannot be reached
 * here): authorize (the signed-in person approves at once), the code exchange with the client
 * secret, /user and /user/teams with the bearer token. Codes and tokens are single-purpose.
 */
export async function startGithubStandin(
  accounts: Record<string, GithubAccount>,
): Promise<GithubStandin> {
  const codes = new Map<string, { login: string; redirectUri: string }>();
  const tokens = new Map<string, string>();
  const standin: GithubStandin = {
    url: "",
    clientId: "gh-client",
    clientSecret: "gh-secret-0123456789",
    signedIn: "",
    close: () => Promise.resolve(),
  };
  const json = (response: ServerResponse, status: number, value: unknown): true => {
    response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(value));
    return true;
  };
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", standin.url);
    if (url.pathname === "/login/oauth/authorize") {
      if (url.searchParams.get("client_id") !== standin.clientId)
        return json(response, 404, { error: "unknown client" });
      const code = randomBytes(10).toString("hex");
      const redirectUri = url.searchParams.get("redirect_uri") ?? "";
      codes.set(code, { login: standin.signedIn, redirectUri });
      const back = new URL(redirectUri);
      back.searchParams.set("code", code);
      back.searchParams.set("state", url.searchParams.get("state") ?? "");
      response.writeHead(302, { location: back.toString() }).end();
      return true;
    }
    if (url.pathname === "/login/oauth/access_token" && request.method === "POST") {
      const form = await body(request);
      const grant = codes.get(form.get("code") ?? "");
      codes.delete(form.get("code") ?? "");
      if (form.get("client_secret") !== standin.clientSecret)
        return json(response, 200, { error: "incorrect_client_credentials" });
      if (grant?.redirectUri !== form.get("redirect_uri"))
        return json(response, 200, { error: "bad_verification_code" });
      const token = randomBytes(16).toString("hex");
      tokens.set(token, grant.login);
      return json(response, 200, { access_token: token, token_type: "bearer", scope: "read:org" });
    }
    const login = tokens.get((request.headers.authorization ?? "").replace(/^Bearer /, ""));
    const account = accounts[login ?? ""];
    if (!account) return json(response, 401, { message: "Bad credentials" });
    if (url.pathname === "/user")
      return json(response, 200, { login: account.login, email: account.email });
    if (url.pathname === "/user/teams") {
      const page = Number(url.searchParams.get("page") ?? "1");
      const teams = page === 1 ? account.teams : [];
      return json(
        response,
        200,
        teams.map((t) => {
          const [org, slug] = t.split("/");
          return { slug, organization: { login: org } };
        }),
      );
    }
    return json(response, 404, { message: "Not Found" });
  };
  const server: Server = createServer((request, response) => {
    handle(request, response).catch(() => {
      response.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  standin.url = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  standin.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => {
        resolve();
      });
    });
  return standin;
}
