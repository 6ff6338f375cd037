// warrenctl doctor --kubeconfig: each way a kubeconfig makes kubectl fail against the hub (the
// 401 causes of the troubleshooting guide that the file shows), found, with what the real
// kubectl prints for it: the test runs kubectl with each broken file and holds doctor's quote
// against kubectl's own output.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { createCertificateAuthority, generateKeyPair, issueCertificate } from "@warren/pki";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { parse, stringify } from "yaml";

import { TestCluster } from "../k8s/index.js";
import { kubectl } from "../k8s/kubectl.js";
import { eventually } from "../support/eventually.js";
import { chartAgentNamespace, readerRole } from "../support/kube-through-hub.js";
import type { TestHub } from "../support/test-hub.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";

interface Kubeconfig {
  "current-context"?: string;
  contexts: { name: string; context: Record<string, string> }[];
  clusters: { name: string; cluster: Record<string, string> }[];
  users: { name: string; user: Record<string, string> }[];
}

let cluster: TestCluster;
let hub: TestHub;
let scratch: string;
let appNs: string;
let good: string;
let files = 0;
const warren = new WarrenFixtures();
const HOUR_MS = 3_600_000;

/** A kubeconfig the hub signs for a new user of the reader role. */
async function signed(user: string, ...flags: string[]): Promise<string> {
  expect((await hub.warrenctl("users", "add", user, "--roles", "reader")).code).toBe(0);
  const out = join(scratch, `${user}.kubeconfig`);
  const sign = ["auth", "sign", "--user", user, "--format", "kubernetes", "--out", out];
  const result = await hub.warrenctl(...sign, ...flags);
  expect(result.code, result.stderr).toBe(0);
  return out;
}

/** The good kubeconfig, changed by `change`, in a file of its own. */
async function broken(change: (config: Kubeconfig) => void | Promise<void>): Promise<string> {
  const config = parse(await readFile(good, "utf8")) as Kubeconfig;
  await change(config);
  const path = join(scratch, `broken-${String(++files)}.kubeconfig`);
  await writeFile(path, stringify(config));
  return path;
}

const first = <T>(list: T[]): T => {
  const [item] = list;
  if (item === undefined) throw new Error("the signed kubeconfig has an empty list");
  return item;
};

/** kubectl as a user runs it first: no discovery cache yet. */
async function kubectlFails(path: string): Promise<string> {
  const result = await kubectl(["get", "pods", "-n", appNs], {
    kubeconfig: path,
    cacheDir: join(scratch, `cache-${String(++files)}`),
  });
  expect(result.exitCode, result.stdout).not.toBe(0);
  return result.stderr;
}

/** Doctor on the file: exit 1, the problem named, and a quote kubectl really printed. */
async function diagnosed(path: string, problem: string): Promise<void> {
  const printed = await kubectlFails(path);
  const result = await hub.warrenctl("doctor", "one", "--kubeconfig", path);
  expect(result.code, result.stdout).toBe(1);
  const block = result.stdout.split("\n\n").find((b) => b.includes(problem));
  expect(block, result.stdout).toBeDefined();
  const quote = /^ {2}kubectl prints: (.+)$/m.exec(block ?? "")?.[1];
  expect(quote, block).toBeDefined();
  expect(printed).toContain(quote);
}

beforeAll(async () => {
  cluster = await TestCluster.load(inject("k8sDir"));
  scratch = await mkdtemp(join(tmpdir(), "doctor-kubeconfig-"));
  hub = await warren.hub();
  const where = await chartAgentNamespace(cluster, "doctor-kc");
  const agent = warren.agent({
    hubAddr: hub.addr,
    clusterName: "one",
    podName: "warren-agent-0",
    where,
    token: await warren.token(hub, "one"),
  });
  await agent.logs.waitForMessage("agent ready");
  appNs = await cluster.createNamespace("doctor-kc-app");
  const grant = { role: "reader", group: "kc-readers", namespace: appNs, resources: ["pods"] };
  await readerRole(hub, scratch, cluster, grant);
  good = await signed("kim");
}, 120_000);

afterAll(async () => {
  await warren.cleanUp();
  await rm(scratch, { recursive: true, force: true });
});

describe("warrenctl doctor --kubeconfig", () => {
  it("finds nothing wrong with a kubeconfig the hub signed, which kubectl uses", async () => {
    const used = await kubectl(["get", "pods", "-n", appNs], {
      kubeconfig: good,
      cacheDir: join(scratch, "cache-good"),
    });
    expect(used.exitCode, used.stderr).toBe(0);
    const result = await hub.warrenctl("doctor", "one", "--kubeconfig", good);
    expect(result.stdout).toContain("No problems found");
    expect(result.code).toBe(0);
  });

  it("finds a context kubectl cannot use", async () => {
    const none = await broken((c) => {
      delete c["current-context"];
    });
    await diagnosed(none, "it sets no current-context");
    const gone = await broken((c) => {
      c["current-context"] = "gone";
    });
    await diagnosed(gone, 'its current-context "gone" is not one of its contexts');
    const noCluster = await broken((c) => {
      first(c.contexts).context.cluster = "nope";
    });
    await diagnosed(noCluster, 'names cluster "nope", which it does not have');
    const noUser = await broken((c) => {
      first(c.contexts).context.user = "nobody";
    });
    await diagnosed(noUser, 'names user "nobody", which it does not have');
  });

  it("finds credentials that are missing, unreadable, not a certificate, or not a pair", async () => {
    const missing = join(scratch, "missing.crt");
    const unreadable = await broken((c) => {
      const { user } = first(c.users);
      delete user["client-certificate-data"];
      user["client-certificate"] = missing;
    });
    await diagnosed(unreadable, `client-cert ${missing}`);
    const none = await broken((c) => {
      first(c.users).user = {};
    });
    await diagnosed(none, "it has no credentials");
    const token = await broken((c) => {
      first(c.users).user = { token: "not-a-warren-credential" };
    });
    await diagnosed(token, "it sends a bearer token");
    const otherKey = (await generateKeyPair()).privateKeyPem;
    const mismatched = await broken((c) => {
      first(c.users).user["client-key-data"] = Buffer.from(otherKey).toString("base64");
    });
    await diagnosed(mismatched, "its client key does not belong to its client certificate");
  });

  it("finds a certificate from another CA, expired, or of a user removed or locked", async () => {
    const foreign = await broken(async (c) => {
      const ca = await createCertificateAuthority({
        subject: { commonName: "elsewhere" },
        validityMs: HOUR_MS,
      });
      const keys = await generateKeyPair();
      const cert = issueCertificate({
        ca,
        publicKeyPem: keys.publicKeyPem,
        subject: { commonName: "kim" },
        usages: ["clientAuth"],
        validityMs: HOUR_MS,
      });
      const { user } = first(c.users);
      user["client-certificate-data"] = Buffer.from(cert).toString("base64");
      user["client-key-data"] = Buffer.from(keys.privateKeyPem).toString("base64");
    });
    await diagnosed(foreign, "from a CA this hub does not trust");

    const short = await signed("sid", "--ttl", "1s");
    await eventually(
      async () => (await hub.warrenctl("doctor", "one", "--kubeconfig", short)).code === 1,
      { description: "the one-second certificate to expire" },
    );
    await diagnosed(short, "its client certificate expired at");

    const removed = await signed("zed");
    expect((await hub.warrenctl("users", "rm", "zed")).code).toBe(0);
    await diagnosed(removed, "user zed's, who no longer exists on this hub");

    const locked = await signed("lou");
    const lock = await hub.warrenctl("users", "lock", "lou", "--message", "on leave");
    expect(lock.code, lock.stderr).toBe(0);
    await diagnosed(locked, "user lou is locked by");
  });

  it("finds a cluster entry that does not lead to this hub's cluster", async () => {
    const otherCa = await broken((c) => {
      first(c.clusters).cluster["certificate-authority-data"] = Buffer.from(cluster.caPem).toString(
        "base64",
      );
    });
    await diagnosed(otherCa, "its CA is not this hub's");
    const unknown = await broken((c) => {
      const entry = first(c.clusters).cluster;
      entry.server = entry.server?.replace(/\/k8s\/one$/, "/k8s/nope") ?? "";
      if (entry["tls-server-name"])
        entry["tls-server-name"] = entry["tls-server-name"].replace(/^one\./, "nope.");
    });
    await diagnosed(unknown, 'it points at cluster "nope", which this hub does not know');
  });
});
