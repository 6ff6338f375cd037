// The web console in a real browser (Debian's Chromium through playwright-core): log in through
// the test OpenID provider, see the cluster healthy, find an exec in the audit log and watch
// its recording on the terminal. WARREN_SCREENSHOTS_DIR=docs keeps a screenshot of each page.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { TestCluster } from "../k8s/index.js";
import { backgroundKubectl } from "../support/background-kubectl.js";
import { launchChromium } from "../support/chromium.js";
import { eventually } from "../support/eventually.js";
import {
  applyRole,
  bindExec,
  chartAgentNamespace,
  userKubeconfig,
} from "../support/kube-through-hub.js";
import { startOidcProvider, type TestOidcProvider } from "../support/oidc-provider.js";
import { warrenCli } from "../support/warren-cli.js";
import type { TestHub } from "../support/test-hub.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";

const POD = "app-0";
const MARKER = "console-marker-42";
let cluster: TestCluster;
let hub: TestHub;
let provider: TestOidcProvider;
let browser: Browser | undefined;
let scratch: string;
let appNs: string;
const warren = new WarrenFixtures();

const role = (name: string, group: string, admin: boolean) => `kind: role
metadata: { name: ${name} }
spec:
  options: { console_admin: ${String(admin)} }
  allow:
    kubernetes_labels: { env: dev }
    kubernetes_groups: ["${group}"]
`;

beforeAll(async () => {
  cluster = await TestCluster.load(inject("k8sDir"));
  scratch = await mkdtemp(join(tmpdir(), "web-console-"));
  hub = await warren.hub();
  provider = await startOidcProvider({
    redirectUris: [`${hub.webUrl}/v1/login/callback`],
    accounts: {
      alice: { email: "alice@example.com", groups: ["ops"] },
      dan: { email: "dan@example.com", groups: ["devs"] },
    },
  });
  const secret = join(scratch, "oidc-secret");
  await writeFile(secret, `${provider.clientSecret}\n`, { mode: 0o600 });
  await applyRole(hub, scratch, "ops", role("ops", "execers", true));
  await applyRole(hub, scratch, "dev", role("dev", "execers", false));
  await applyRole(
    hub,
    scratch,
    "corp",
    `kind: oidc
metadata: { name: corp }
spec:
  display: Corp SSO
  issuer_url: ${provider.issuer}
  client_id: ${provider.clientId}
  client_secret_file: ${secret}
  scopes: [openid, email, groups]
  claims_to_roles:
    - { claim: groups, value: ops, roles: [ops] }
    - { claim: groups, value: devs, roles: [dev] }
`,
  );
  appNs = await cluster.createNamespace("console-app");
  await bindExec(cluster, appNs, "execers");
  // The chart's permissions: the agent reports the cluster healthy.
  const agent = warren.agent({
    hubAddr: hub.addr,
    clusterName: "one",
    podName: "a-0",
    where: await chartAgentNamespace(cluster, "console-agent"),
    token: await warren.token(hub, "one", "--labels", "env=dev"),
  });
  await Promise.all([agent.logs.waitForMessage("agent ready"), cluster.runPod(appNs, POD)]);
  // The page shows what the hub knows when it loads: wait until the hub has the health.
  await eventually(
    async () => {
      const listed = JSON.parse(
        (await hub.warrenctl("clusters", "ls", "--format", "json")).stdout,
      ) as { agents: { health: { state: string } | null }[] }[];
      return listed[0]?.agents.some((a) => a.health?.state === "healthy") ? true : undefined;
    },
    { description: "the hub listing cluster one healthy" },
  );
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await warren.cleanUp();
  await provider.close();
  await rm(scratch, { recursive: true, force: true });
});

async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.WARREN_SCREENSHOTS_DIR;
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `console-${name}.png`), fullPage: true });
}

/** A browser session logged in to the console through the OpenID provider as `login`. */
async function loggedIn(login: string): Promise<Page> {
  // The hub's certificate is from its own CA, which this browser profile does not know.
  if (!browser) throw new Error("no browser");
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width: 1280, height: 800 },
  });
  const page = await context.newPage();
  await page.goto(hub.webUrl);
  const button = page.getByRole("link", { name: "Log in with Corp SSO" });
  await button.waitFor();
  await screenshot(page, "login");
  await button.click();
  await page.locator('input[name="login"]').fill(login);
  await page.locator('input[name="password"]').fill("correct horse");
  await page.locator('button[type="submit"]').click();
  await page.waitForURL(`${hub.webUrl}/#/clusters`);
  return page;
}

describe("the web console", () => {
  it("logs in through SSO and shows the user's clusters, healthy, with a kubeconfig", async () => {
    const page = await loggedIn("dan");
    expect(await page.locator('tr[data-cluster="one"] .health').textContent()).toBe("healthy");
    expect(await page.locator('tr[data-cluster="one"]').textContent()).toContain("env=dev");
    // Not an admin: no admin pages in the menu, and the API refuses them.
    expect(await page.locator("header nav").textContent()).toBe("Clusters");
    const refused = await page.evaluate(async () => (await fetch("/v1/web/audit")).status);
    expect(refused).toBe(403);
    const download = page.waitForEvent("download");
    await page.getByRole("link", { name: "Download kubeconfig" }).click();
    const kubeconfig = await (await download).path();
    const { readFile } = await import("node:fs/promises");
    const text = await readFile(kubeconfig, "utf8");
    expect(text).toContain("command: warren");
    expect(text).toContain("tls-server-name: one.");
    expect(text).not.toMatch(/client-key|client-certificate|token:/);
    await screenshot(page, "clusters");
    await page.context().close();
  });

  it("lets an admin find an exec in the audit log and watch its recording", async () => {
    const kube = await userKubeconfig(hub, scratch, "bob", "ops");
    const exec = await cluster.kubectl(
      ["-n", appNs, "exec", "-i", POD, "--", "sh", "-c", `read x; echo ${MARKER} $x`],
      kube,
      { input: "typed\n" },
    );
    expect(exec.stdout).toBe(`${MARKER} typed\n`);
    // Its recording is complete once the hub has audited the session's end.
    await hub.process.logs.waitFor(
      (e) => e.msg === "kube request" && e.user === "bob" && e.resource === "pods/exec",
      "the end of bob's exec",
    );
    const page = await loggedIn("alice");
    await page.getByRole("link", { name: "Agents" }).click();
    await expect
      .poll(() => page.locator("tr[data-agent]").first().textContent())
      .toContain("connected");
    await screenshot(page, "agents");
    await page.getByRole("link", { name: "Audit log" }).click();
    await page.locator('input[name="user"]').fill("bob");
    // kubectl execs over WebSocket: a GET, audited as verb get.
    await page.locator('input[name="verb"]').fill("get");
    await page.getByRole("button", { name: "Search" }).click();
    const started = page.locator("tr", { hasText: "pods/exec" }).filter({ hasText: "(started)" });
    await expect.poll(() => started.count()).toBe(1);
    await screenshot(page, "audit");
    await started.getByRole("link", { name: "Recording" }).click();
    await expect.poll(() => page.locator(".xterm-rows").textContent()).toContain(`${MARKER} typed`);
    await screenshot(page, "recording");
    // A shell still open is a live session, playable so far.
    const shell = backgroundKubectl(cluster, kube, ["exec", "-i", "-n", appNs, POD, "--", "cat"]);
    shell.write("still here\n");
    await shell.stdout.waitFor((e) => e.msg === "still here", "the live shell's echo");
    await page.getByRole("link", { name: "Live sessions" }).click();
    const live = page.locator("tr[data-recording]");
    await expect.poll(() => live.count()).toBe(1);
    expect(await live.textContent()).toContain("running");
    await screenshot(page, "sessions");
    await shell.stop();
    await page.getByRole("link", { name: "Recordings" }).click();
    await expect.poll(() => page.locator("tr[data-recording]").count()).toBe(2);
    await screenshot(page, "recordings");
    await page.context().close();
  });

  it("lets a local user log in with the password an invite set, and refuses a wrong one", async () => {
    const added = await hub.warrenctl("users", "add", "lou", "--roles", "dev", "--format", "json");
    const { invite } = JSON.parse(added.stdout) as { invite: string };
    const home = await mkdtemp(join(scratch, "lou-"));
    const set = await warrenCli(home, join(home, "kubeconfig"))(
      [
        "login",
        "--hub",
        hub.addr,
        "--ca-pin",
        hub.caPin,
        "--user",
        "lou",
        "--invite",
        invite,
        "--password-stdin",
      ],
      { stdin: "lou's long password\n" },
    );
    expect(set.code, set.stderr).toBe(0);
    if (!browser) throw new Error("no browser");
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const page = await context.newPage();
    await page.goto(hub.webUrl);
    await page.locator('input[name="user"]').fill("lou");
    await page.locator('input[name="password"]').fill("not it");
    await page.getByRole("button", { name: "Log in" }).click();
    await expect
      .poll(() => page.getByRole("alert").textContent())
      .toBe("wrong user name or password");
    await page.locator('input[name="password"]').fill("lou's long password");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`${hub.webUrl}/#/clusters`);
    await expect.poll(() => page.locator("tr[data-cluster]").count()).toBe(1);
    expect(await page.locator("header .who").textContent()).toBe("lou (dev)");
    const sessions = await hub.warrenctl("users", "sessions", "lou", "--format", "json");
    expect(sessions.stdout).toContain('"method": "password"');
    await context.close();
  });
});
