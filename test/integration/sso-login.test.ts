// People log in through an OpenID provider (panva's oidc-provider, in this process) and a
// GitHub stand-in, get short-lived certificates on their own machine, and reach clusters with
// plain kubectl through warren's credential plugin.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { adminProfilePath, readAdminProfile } from "@warren/hub-client";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { TestCluster } from "../k8s/index.js";
import { browseLogin, type BrowserPage } from "../support/browser-flow.js";
import { eventually } from "../support/eventually.js";
import { startGithubStandin, type GithubStandin } from "../support/github-standin.js";
import { applyRole, bindGroup, readyProxyAgent } from "../support/kube-through-hub.js";
import { startOidcProvider, type TestOidcProvider } from "../support/oidc-provider.js";
import type { TestHub } from "../support/test-hub.js";
import { warrenCli } from "../support/warren-cli.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";
import { withoutDetectedLabels } from "../support/detected-labels.js";

interface ListedCluster {
  labels: Record<string, string>;
}

let cluster: TestCluster;
let hub: TestHub;
let provider: TestOidcProvider;
let github: GithubStandin;
let scratch: string;
let appNs: string;
let hubCaPem: string;
const warren = new WarrenFixtures();

const SSO_ROLE = `kind: role
metadata: { name: sso-dev }
spec:
  options: { max_session_ttl: 1h }
  allow:
    kubernetes_labels: { env: dev }
    kubernetes_groups: ["{{external.groups}}"]
    kubernetes_users: ["{{email.local(external.email)}}"]
`;

const GITHUB_ROLE = `kind: role
metadata: { name: gh-dev }
spec:
  options: { max_session_ttl: 8s }
  allow:
    kubernetes_labels: { env: dev }
    kubernetes_groups: ["{{external.github_teams}}"]
`;

beforeAll(async () => {
  cluster = await TestCluster.load(inject("k8sDir"));
  scratch = await mkdtemp(join(tmpdir(), "sso-login-"));
  // Certificates live 3 s, so every kubectl call below renews one.
  hub = await warren.hub({ env: { WARREN_HUB_LOGIN_CERTIFICATE_TTL: "3s" } });
  hubCaPem = (await readAdminProfile(adminProfilePath(hub.dataDir))).caPem;
  const callback = `${hub.webUrl}/v1/login/callback`;
  provider = await startOidcProvider({
    redirectUris: [callback],
    accounts: {
      alice: { email: "alice@example.com", groups: ["devs", "sso-viewers"] },
      mallory: { email: "mallory@example.com", groups: ["contractors"] },
    },
  });
  github = await startGithubStandin({
    octo: { login: "octo", email: "octo@example.com", teams: ["acme/platform", "acme/other"] },
  });
  const secrets = { oidc: join(scratch, "oidc-secret"), github: join(scratch, "gh-secret") };
  await writeFile(secrets.oidc, `${provider.clientSecret}\n`, { mode: 0o600 });
  await writeFile(secrets.github, github.clientSecret, { mode: 0o600 });
  await applyRole(hub, scratch, "sso-dev", SSO_ROLE);
  await applyRole(hub, scratch, "gh-dev", GITHUB_ROLE);
  await applyRole(
    hub,
    scratch,
    "corp",
    `kind: oidc
metadata: { name: corp }
spec:
  issuer_url: ${provider.issuer}
  client_id: ${provider.clientId}
  client_secret_file: ${secrets.oidc}
  scopes: [openid, email, groups]
  claims_to_roles:
    - { claim: groups, value: devs, roles: [sso-dev] }
`,
  );
  await applyRole(
    hub,
    scratch,
    "gh",
    `kind: github
metadata: { name: gh }
spec:
  client_id: ${github.clientId}
  client_secret_file: ${secrets.github}
  endpoint_url: ${github.url}
  api_endpoint_url: ${github.url}
  teams_to_roles:
    - { organization: acme, team: platform, roles: [gh-dev] }
`,
  );
  appNs = await cluster.createNamespace("sso-app");
  // "view" is empty here: its rules are aggregated by a controller this test cluster lacks.
  const reader = cluster.uniqueName("sso-pod-reader");
  await cluster.rbac.createClusterRole({
    body: {
      metadata: { name: reader },
      rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "watch"] }],
    },
  });
  await bindGroup(cluster, appNs, "sso-viewers", reader);
  await bindGroup(cluster, appNs, "acme/platform", reader);
  await readyProxyAgent(warren, cluster, hub, "one", { env: "dev" });
}, 120_000);

afterAll(async () => {
  await warren.cleanUp();
  await provider.close();
  await github.close();
  await rm(scratch, { recursive: true, force: true });
});

/** One person's machine: their ~/.warren and kubeconfig. */
async function machine(name: string) {
  const home = await mkdtemp(join(scratch, `${name}-`));
  const kubeconfig = join(home, "kubeconfig");
  return { home, kubeconfig, cli: warrenCli(home, kubeconfig) };
}

/** `warren login` with the browser step done by `login` at the provider. */
async function ssoLogin(cli: ReturnType<typeof warrenCli>, login: string, ...flags: string[]) {
  let page: Promise<BrowserPage> | undefined;
  const auth = flags.includes("--auth") ? [] : ["--auth", "corp"];
  const result = await cli(["login", "--hub", hub.addr, "--ca-pin", hub.caPin, ...auth, ...flags], {
    openBrowser: (url) => {
      page = browseLogin(url, { login, hubCaPem });
      return Promise.resolve();
    },
  });
  return { result, page: await page };
}

interface Profile {
  caPem: string;
  certificatePem: string;
  privateKeyPem: string;
  certificateExpiresAtMs: number;
  sessionExpiresAtMs: number;
  sessionId: string;
}

const profileOf = async (home: string) =>
  JSON.parse(
    await readFile(
      join(home, "profiles", `${hub.addr.replace(/[^A-Za-z0-9.-]/g, "_")}.json`),
      "utf8",
    ),
  ) as Profile;

/** A request to the kube endpoint with a certificate from a profile, as a tool would send it. */
function withCertificate(profile: Profile): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${hub.kubeUrl}/k8s/one/version`, {
      ca: profile.caPem,
      cert: profile.certificatePem,
      key: profile.privateKeyPem,
    });
    req.on("response", (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => {
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    req.on("error", reject);
    req.end();
  });
}

describe("SSO login", () => {
  it("maps a group claim to a role and the role's traits to the groups the cluster sees", async () => {
    const me = await machine("alice");
    const { result, page } = await ssoLogin(me.cli, "alice");
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("as alice@example.com, roles: sso-dev");
    expect(page?.body).toContain("Logged in to Warren");
    const ls = await me.cli(["kube", "ls", "--format", "json"]);
    expect(withoutDetectedLabels(JSON.parse(ls.stdout) as ListedCluster[])).toEqual([
      expect.objectContaining({
        name: "one",
        labels: { env: "dev" },
        agentsConnected: 1,
        health: expect.any(String) as unknown,
        context: "warren-one",
      }),
    ]);
    expect((await me.cli(["kube", "login", "one"])).code).toBe(0);
    const whoami = await cluster.kubectl(["auth", "whoami", "-o", "json"], me.kubeconfig);
    expect(whoami.stderr).toBe("");
    const userInfo = (
      JSON.parse(whoami.stdout) as { status: { userInfo: { username: string; groups: string[] } } }
    ).status.userInfo;
    expect(userInfo.username).toBe("alice");
    expect(userInfo.groups).toEqual(expect.arrayContaining(["devs", "sso-viewers"]));
    const pods = await cluster.kubectl(["get", "pods", "-n", appNs], me.kubeconfig);
    expect(pods.stderr).toContain("No resources found");
    const status = JSON.parse((await me.cli(["status", "--format", "json"])).stdout) as Record<
      string,
      unknown
    >;
    expect(status).toMatchObject({
      user: "alice@example.com",
      origin: "oidc/corp",
      roles: ["sso-dev"],
    });
    expect(status.traits).toMatchObject({ groups: ["devs", "sso-viewers"] });
  });

  it("renews an expired certificate through the plugin without a login, and stops when the session ends", async () => {
    const me = await machine("alice-renew");
    expect((await ssoLogin(me.cli, "alice")).result.code).toBe(0);
    expect((await me.cli(["kube", "login", "one"])).code).toBe(0);
    const first = await profileOf(me.home);
    // The event: the hub itself refuses the first certificate as expired.
    await eventually(
      async () => {
        const old = await withCertificate(first);
        return old.status === 401 && old.body.includes("expired");
      },
      { description: "the hub refusing the first certificate as expired" },
    );
    const pods = await cluster.kubectl(["get", "pods", "-n", appNs], me.kubeconfig);
    expect(pods.stderr).toContain("No resources found");
    const renewed = await profileOf(me.home);
    expect(renewed.sessionId).toBe(first.sessionId);
    expect(renewed.certificatePem).not.toBe(first.certificatePem);
    expect(renewed.certificateExpiresAtMs).toBeGreaterThan(first.certificateExpiresAtMs);
    const ended = await hub.warrenctl(
      "users",
      "logout",
      "alice@example.com",
      "--session",
      first.sessionId,
    );
    expect(ended.stdout).toContain("Ended 1 login session(s)");
    const refused = await cluster.kubectl(["get", "pods", "-n", appNs], me.kubeconfig);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toContain("your login session ended");
    expect(refused.stderr).toContain("run warren login");
  });

  it("logs in headless: a URL and a code printed, the browser anywhere", async () => {
    const me = await machine("alice-headless");
    let page: Promise<BrowserPage> | undefined;
    const result = await me.cli(
      ["login", "--hub", hub.addr, "--ca-pin", hub.caPin, "--auth", "corp", "--headless"],
      {
        onStdout: (text) => {
          const url = /https?:\/\/\S+\/auth\?\S+/.exec(text)?.[0];
          if (url !== undefined) page = browseLogin(url, { login: "alice", hubCaPem });
        },
      },
    );
    expect(result.code).toBe(0);
    const code = /code ([0-9A-F]{5}-[0-9A-F]{5})/.exec(result.stdout)?.[1];
    expect(code).toBeDefined();
    expect((await page)?.body).toContain(`Login code: <code>${code ?? "?"}</code>`);
  });

  it("refuses ID tokens for another audience, expired, or signed by an unknown key, each by name", async () => {
    const me = await machine("tampered");
    const cases = [
      ["other-audience", 'is for another audience ("some-other-app"), not client_id "warren-hub"'],
      ["expired", "ID token has expired"],
      ["unknown-key", "signed by a key the identity provider does not publish"],
    ] as const;
    try {
      for (const [tamper, message] of cases) {
        provider.tamper = tamper;
        const { result, page } = await ssoLogin(me.cli, "alice");
        expect(result.code, tamper).toBe(1);
        expect(result.stderr, tamper).toContain(message);
        expect(page?.body, tamper).toContain("Warren login failed");
      }
    } finally {
      provider.tamper = "none";
    }
    const nothing = await ssoLogin(me.cli, "mallory");
    expect(nothing.result.stderr).toContain("connector corp maps none of their claims to a role");
    const users = await hub.warrenctl("users", "ls", "--format", "json");
    expect(users.stdout).not.toContain("mallory");
  });

  it("logs in through GitHub teams, and the plugin says to log in again once the session is over", async () => {
    const me = await machine("octo");
    github.signedIn = "octo";
    const { result } = await ssoLogin(me.cli, "octo", "--auth", "gh");
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("as octo, roles: gh-dev");
    expect((await me.cli(["kube", "login", "one"])).code).toBe(0);
    const whoami = await cluster.kubectl(["auth", "whoami", "-o", "json"], me.kubeconfig);
    // teams_to_roles let in only acme/platform; the role passes every team as a group.
    expect(whoami.stdout).toContain("acme/platform");
    expect(whoami.stdout).toContain("acme/other");
    // The event: the session's end, seen where the person sees it (kubectl through the plugin).
    const over = await eventually(
      async () => {
        const pods = await cluster.kubectl(["get", "pods", "-n", appNs], me.kubeconfig);
        return pods.exitCode !== 0 && pods;
      },
      { description: "the login session's end", timeoutMs: 30_000 },
    );
    expect(over.stderr).toContain("run warren login");
  });

  it("keeps connector secrets out of listings and logs", async () => {
    const listed = await hub.warrenctl("connectors", "ls", "--format", "json");
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({ name: "corp", kind: "oidc", provider: provider.issuer }),
      expect.objectContaining({ name: "gh", kind: "github" }),
    ]);
    expect(listed.stdout).not.toContain(provider.clientSecret);
    expect(hub.process.logs.text()).not.toContain(provider.clientSecret);
    expect(hub.process.logs.text()).not.toContain(github.clientSecret);
  });
});
