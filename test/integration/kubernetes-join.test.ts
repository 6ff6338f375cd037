// The Kubernetes join method: a projected ServiceAccount token (audience: the hub's name, at
// most 30 minutes) proves who joins, checked against a provision token's JWKS or by the hub's
// own cluster (TokenReview); no join secret exists anywhere.
import { createPrivateKey } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
  callUnary,
  fetchPresentedCertificates,
  hubChannel,
  isServiceError,
} from "@warren/hub-client";
import { createCertificateRequest, generateKeyPair } from "@warren/pki";
import { readIdentity } from "@warren/identity";
import { AdminServiceClient, JoinServiceClient } from "@warren/proto";
import { decodeJwt, generateKeyPair as generateJwk, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { TestCluster } from "../k8s/index.js";
import { agentNamespace, type AgentNamespace } from "../support/agent-in-cluster.js";
import type { TestHub } from "../support/test-hub.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";
import { withoutDetectedLabels } from "../support/detected-labels.js";

const HUB_NAME = "hub.join.test";
let cluster: TestCluster;
let hub: TestHub;
let scratch: string;
let where: AgentNamespace;
let jwks: string;
const warren = new WarrenFixtures();

beforeAll(async () => {
  cluster = await TestCluster.load(inject("k8sDir"));
  scratch = await mkdtemp(join(tmpdir(), "kubernetes-join-"));
  // KUBECONFIG: the hub's "own cluster" for in_cluster tokens (its ServiceAccount in a pod).
  hub = await warren.hub({
    args: ["--hub-name", HUB_NAME],
    env: { KUBECONFIG: cluster.adminKubeconfigPath },
  });
  where = await agentNamespace(cluster, "sa-join");
  await cluster.createServiceAccount(where.namespace, "stranger");
  const raw = await cluster.kubectl(["get", "--raw", "/openid/v1/jwks"]);
  jwks = raw.stdout.trim();
}, 120_000);

afterAll(async () => {
  await warren.cleanUp();
  await rm(scratch, { recursive: true, force: true });
});

async function applyToken(name: string, cluster_: string, check: string): Promise<void> {
  const file = join(scratch, `${name}.yaml`);
  await writeFile(
    file,
    [
      "kind: provision_token",
      "version: v1",
      `metadata: { name: ${name} }`,
      "spec:",
      "  type: kube",
      `  cluster_name: ${cluster_}`,
      "  labels: { env: projected }",
      "  join_method: kubernetes",
      "  kubernetes:",
      check,
      "    allow:",
      `      - service_account: "${where.namespace}:warren-agent"`,
      "",
    ].join("\n"),
  );
  const applied = await hub.warrenctl("create", "-f", file);
  expect(applied.stderr).toBe("");
  expect(applied.stdout).toContain(`provision token "${name}" has been created`);
}

const staticJwks = () => `    type: static_jwks\n    static_jwks:\n      jwks: '${jwks}'`;

/** `kubectl create token ACCOUNT --audience AUDIENCE --duration 10m` in the agents' namespace. */
const saToken = (account: string, audience: string) =>
  cluster.createToken(where.namespace, account, "--audience", audience, "--duration", "10m");

/** One Join call with a ServiceAccount token; the refusal's message, or "joined". */
async function join_(provisionToken: string, token: string, clusterName: string): Promise<string> {
  const { rootPem } = await fetchPresentedCertificates({ host: "127.0.0.1", port: hub.port });
  const channel = hubChannel(hub.addr, { caPem: rootPem });
  const client = new JoinServiceClient(channel.target, channel.credentials, channel.options);
  try {
    await callUnary(client.join.bind(client), {
      token,
      csrPem: createCertificateRequest(await generateKeyPair(), clusterName),
      clusterName,
      labels: {},
      agentVersion: "test",
      placement: undefined,
      provisionToken,
    });
    return "joined";
  } catch (error) {
    if (!isServiceError(error)) throw error;
    return error.details;
  } finally {
    client.close();
  }
}

/** A token shaped exactly as the API server makes them, signed with `key`. */
async function forge(
  key: Parameters<SignJWT["sign"]>[0],
  claims: { expiresAt: number; issuedAt: number; kid?: string },
): Promise<string> {
  const real = decodeJwt(await saToken("warren-agent", HUB_NAME));
  return new SignJWT({ ...real, iat: claims.issuedAt, nbf: claims.issuedAt, exp: claims.expiresAt })
    .setProtectedHeader({ alg: "RS256", ...(claims.kid ? { kid: claims.kid } : {}) })
    .sign(key);
}

describe("a provision token with join_method: kubernetes", () => {
  it("lets an agent join with kubectl create token SA --audience HUB, and nothing secret is stored", async () => {
    await applyToken("agents", "projected", staticJwks());
    const tokenFile = join(scratch, "sa-token");
    await writeFile(tokenFile, await saToken("warren-agent", HUB_NAME));
    const agent = warren.agent({
      hubAddr: hub.addr,
      clusterName: "projected",
      podName: "projected-0",
      where,
      tokenFile,
      env: { WARREN_PROVISION_TOKEN: "agents", WARREN_CA_PIN: hub.caPin },
    });
    await agent.logs.waitForMessage("agent ready");
    const clusters = withoutDetectedLabels(
      JSON.parse((await hub.warrenctl("clusters", "ls", "--format", "json")).stdout) as {
        name: string;
        labels: Record<string, string>;
      }[],
    );
    expect(clusters).toContainEqual(
      expect.objectContaining({ name: "projected", labels: { env: "projected" } }),
    );
    const listed = JSON.parse(
      (await hub.warrenctl("provision-tokens", "ls", "--format", "json")).stdout,
    ) as unknown[];
    expect(listed).toContainEqual(
      expect.objectContaining({
        name: "agents",
        type: "kube",
        joinMethod: "kubernetes",
        check: "static_jwks",
        allow: [`${where.namespace}:warren-agent`],
      }),
    );
    // A provision token is a rule, not a secret: nothing in the listing could be replayed.
    expect((await hub.warrenctl("tokens", "ls", "--format", "json")).stdout.trim()).toBe("[]");
  });

  it("refuses another account, another audience, an expired token, another cluster's key and a long life, each in its own words", async () => {
    await applyToken("strict", "unjoined", staticJwks());
    const signingKey = createPrivateKey(await cluster.serviceAccountSigningKeyPem());
    const now = Math.floor(Date.now() / 1000);
    const kid = (JSON.parse(jwks) as { keys: { kid: string }[] }).keys[0]?.kid;
    const otherCluster = await generateJwk("RS256");
    const cases = {
      account: await saToken("stranger", HUB_NAME),
      audience: await saToken("warren-agent", "another-hub"),
      expired: await forge(signingKey, {
        issuedAt: now - 1200,
        expiresAt: now - 600,
        ...(kid ? { kid } : {}),
      }),
      foreign: await forge(otherCluster.privateKey, {
        issuedAt: now,
        expiresAt: now + 600,
        kid: "other-cluster",
      }),
      long: await cluster.createToken(where.namespace, "warren-agent", "--audience", HUB_NAME),
    };
    const refusals = Object.fromEntries(
      await Promise.all(
        Object.entries(cases).map(async ([name, token]) => [
          name,
          await join_("strict", token, "unjoined"),
        ]),
      ),
    ) as Record<keyof typeof cases, string>;
    expect(refusals.account).toBe(
      `ServiceAccount ${where.namespace}:stranger may not join with provision token strict (it allows ${where.namespace}:warren-agent): add it to spec.kubernetes.allow or use that account`,
    );
    expect(refusals.audience).toContain(
      `the ServiceAccount token is for audience "another-hub", not this hub ("${HUB_NAME}")`,
    );
    expect(refusals.expired).toMatch(/^the ServiceAccount token expired at \d{4}-/);
    expect(refusals.foreign).toContain("signed by a key the JWKS does not hold");
    expect(refusals.long).toContain(
      "the ServiceAccount token lives 1h, longer than the 30m this hub accepts",
    );
    expect(new Set(Object.values(refusals)).size).toBe(5);
    expect(await join_("nobody", cases.account, "projected")).toContain(
      'there is no provision token "nobody" on this hub',
    );
    // Doctor sees refusals of a token the hub knows, by its name, with the fix.
    const doctor = JSON.parse((await hub.warrenctl("doctor", "--format", "json")).stdout) as {
      subject: string;
      problem: string;
      fix: string;
    }[];
    expect(doctor).toContainEqual({
      subject: 'cluster "unjoined"',
      problem: expect.stringContaining("joins with token provision/strict are refused:") as string,
      fix: expect.stringMatching(/provision token strict|joinParams\.audience/) as string,
    });
    // Only refusals the cluster's signature proved are kept: a forger chose none of the words.
    expect(JSON.stringify(doctor)).not.toContain("signed by a key the JWKS does not hold");
  });

  it("in_cluster: the hub's own cluster reviews the token", async () => {
    await applyToken("in-cluster", "reviewed", "    type: in_cluster");
    const token = await saToken("warren-agent", HUB_NAME);
    expect(await join_("in-cluster", token, "reviewed")).toBe("joined");
    const foreign = await forge((await generateJwk("RS256")).privateKey, {
      issuedAt: Math.floor(Date.now() / 1000),
      expiresAt: Math.floor(Date.now() / 1000) + 600,
    });
    expect(await join_("in-cluster", foreign, "reviewed")).toContain(
      "this hub's cluster does not accept the ServiceAccount token",
    );
  });

  it("enrols an admin of scope resources by default: it manages roles, and nothing else", async () => {
    const file = join(scratch, "iac.yaml");
    await writeFile(
      file,
      `kind: provision_token\nmetadata: { name: iac }\nspec:\n  type: admin\n  admin_name: iac\n  join_method: kubernetes\n  kubernetes:\n${staticJwks()}\n    allow: [{ service_account: "${where.namespace}:warren-agent" }]\n`,
    );
    expect((await hub.warrenctl("create", "-f", file)).code).toBe(0);
    const { rootPem } = await fetchPresentedCertificates({ host: "127.0.0.1", port: hub.port });
    const joinChannel = hubChannel(hub.addr, { caPem: rootPem });
    const joinClient = new JoinServiceClient(
      joinChannel.target,
      joinChannel.credentials,
      joinChannel.options,
    );
    const keys = await generateKeyPair();
    const enrolled = await callUnary(joinClient.enrollAdmin.bind(joinClient), {
      token: await saToken("warren-agent", HUB_NAME),
      csrPem: createCertificateRequest(keys, "iac"),
      name: "",
      provisionToken: "iac",
    });
    joinClient.close();
    expect(readIdentity(enrolled.certificatePem)).toEqual({
      kind: "admin",
      name: "iac",
      scope: "resources",
    });
    const channel = hubChannel(hub.addr, {
      caPem: rootPem,
      certificatePem: enrolled.certificatePem,
      privateKeyPem: keys.privateKeyPem,
    });
    const admin = new AdminServiceClient(channel.target, channel.credentials, channel.options);
    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => "allowed",
        (error: unknown) => (isServiceError(error) ? error.details : String(error)),
      );
    try {
      expect(await refusal(callUnary(admin.listRoles.bind(admin), {}))).toBe("allowed");
      expect(await refusal(callUnary(admin.listTokens.bind(admin), {}))).toBe(
        "admin iac has scope resources (users, roles, connectors and provision tokens only) and may not call ListTokens: use a full admin (warrenctl tokens add --type admin)",
      );
      expect(
        await refusal(
          callUnary(admin.signUserCertificate.bind(admin), {
            user: "x",
            csrPem: "",
            ttlMs: 0,
            cluster: "",
          }),
        ),
      ).toContain("may not call SignUserCertificate");
      const wider = (await readFile(file, "utf8"))
        .replace("admin_name: iac", "admin_name: boss\n  admin_scope: full")
        .replace("name: iac }", "name: boss }");
      expect(
        await refusal(callUnary(admin.applyProvisionToken.bind(admin), { document: wider })),
      ).toContain("may not create a provision token for a full admin");
    } finally {
      admin.close();
    }
  });

  it("refuses a provision token document that cannot work, before storing it", async () => {
    const file = join(scratch, "bad.yaml");
    await writeFile(
      file,
      "kind: provision_token\nmetadata: { name: bad }\nspec:\n  type: kube\n  cluster_name: x\n  join_method: kubernetes\n  kubernetes:\n    type: static_jwks\n    static_jwks: { jwks: 'nope' }\n    allow: [{ service_account: 'no-colon' }]\n",
    );
    const refused = await hub.warrenctl("create", "-f", file);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      "spec.kubernetes.static_jwks.jwks: required: the cluster's JWKS",
    );
    expect(refused.stderr).toContain(
      'spec.kubernetes.allow.0.service_account: expected "namespace:name"',
    );
    expect(
      (await hub.warrenctl("provision-tokens", "ls", "--format", "json")).stdout,
    ).not.toContain('"bad"');
  });
});
