// Logins on several hubs sharing one PostgreSQL: the browser may come back to another replica
// than the one the CLI asked, and a session ended on one replica stops on every other.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { status } from "@grpc/grpc-js";
import {
  adminProfilePath,
  callUnary,
  hubChannel,
  isServiceError,
  readAdminProfile,
} from "@warren/hub-client";
import { UserServiceClient } from "@warren/proto";
import { startPostgresServer, type PostgresServer } from "@warren/store/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { browseLogin, type BrowserPage } from "../support/browser-flow.js";
import { applyRole } from "../support/kube-through-hub.js";
import { startOidcProvider, type TestOidcProvider } from "../support/oidc-provider.js";
import type { TestHub } from "../support/test-hub.js";
import { warrenCli } from "../support/warren-cli.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";

let postgres: PostgresServer;
let provider: TestOidcProvider;
let scratch: string;
let a: TestHub;
let b: TestHub;
const warren = new WarrenFixtures();

const replica = () =>
  warren.hub({
    args: ["--store-url", postgres.url, "--store-password-file", postgres.passwordFile],
  });

beforeAll(async () => {
  [postgres, scratch] = await Promise.all([
    startPostgresServer(),
    mkdtemp(join(tmpdir(), "sso-replicas-")),
  ]);
  a = await replica();
  b = await replica();
  // The provider sends browsers back to B, whatever replica the CLI talks to.
  const callback = `${b.webUrl}/v1/login/callback`;
  provider = await startOidcProvider({
    redirectUris: [callback],
    accounts: { alice: { email: "alice@example.com", groups: ["devs"] } },
  });
  const secret = join(scratch, "secret");
  await writeFile(secret, provider.clientSecret, { mode: 0o600 });
  await applyRole(
    a,
    scratch,
    "dev",
    "kind: role\nmetadata: { name: dev }\nspec:\n  allow:\n    kubernetes_labels: { env: dev }\n",
  );
  await applyRole(
    a,
    scratch,
    "corp",
    `kind: oidc
metadata: { name: corp }
spec:
  issuer_url: ${provider.issuer}
  client_id: ${provider.clientId}
  client_secret_file: ${secret}
  redirect_url: ${callback}
  scopes: [openid, email, groups]
  claims_to_roles: [{ claim: groups, value: devs, roles: [dev] }]
`,
  );
}, 120_000);

afterAll(async () => {
  await warren.cleanUp();
  await provider.close();
  await postgres.stop();
  await rm(scratch, { recursive: true, force: true });
});

describe("logins across replicas", () => {
  it("finish on another replica, and end on every replica at once", async () => {
    const home = await mkdtemp(join(scratch, "alice-"));
    const cli = warrenCli(home, join(home, "kubeconfig"));
    const caPem = (await readAdminProfile(adminProfilePath(a.dataDir))).caPem;
    let page: Promise<BrowserPage> | undefined;
    const login = await cli(["login", "--hub", a.addr, "--ca-pin", a.caPin], {
      openBrowser: (url) => {
        page = browseLogin(url, { login: "alice", hubCaPem: caPem });
        return Promise.resolve();
      },
    });
    expect(login.stderr).toBe("");
    expect((await page)?.body).toContain("Logged in to Warren");
    // B took the callback; A handed the certificate to the CLI.
    await b.process.logs.waitForMessage("login session opened", { user: "alice@example.com" });
    const profile = JSON.parse(
      await readFile(
        join(home, "profiles", `${a.addr.replace(/[^A-Za-z0-9.-]/g, "_")}.json`),
        "utf8",
      ),
    ) as { caPem: string; certificatePem: string; privateKeyPem: string };
    const channel = hubChannel(b.addr, profile);
    const onB = new UserServiceClient(channel.target, channel.credentials, channel.options);
    try {
      expect((await callUnary(onB.whoAmI.bind(onB), {})).user).toBe("alice@example.com");
      expect((await cli(["logout"])).stdout).toContain("Logged out");
      const refused = await callUnary(onB.whoAmI.bind(onB), {}).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(isServiceError(refused) && refused.code).toBe(status.UNAUTHENTICATED);
      expect(isServiceError(refused) && refused.details).toContain("your login session ended");
    } finally {
      onB.close();
    }
  });
});
