// warrenctl against a real hub, run in-process: tokens, admin enrolment, and its errors.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";

import { runWarrenctl } from "../support/test-hub.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";

let scratch: string;
const warren = new WarrenFixtures();

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "warrenctl-"));
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

afterEach(() => warren.cleanUp());

describe("warrenctl tokens", () => {
  it("prints a new token once, with what installing an agent needs", async () => {
    const hub = await warren.hub();
    const text = await hub.warrenctl(
      "tokens",
      "add",
      "--type",
      "kube",
      "--cluster",
      "dev-eu",
      "--ttl",
      "10m",
      "--uses",
      "3",
      "--labels",
      "env=dev",
    );
    expect(text.code, text.stderr).toBe(0);
    const token = /^ {2}(wrn1\.\S+)$/m.exec(text.stdout)?.[1] ?? "";
    expect(text.stdout.split(token)).toHaveLength(3); // on its own line, and once in the helm line
    expect(text.stdout).toContain(`--set hubAddr=${hub.addr}`);
    expect(text.stdout).toContain(`--set caPin=${hub.caPin}`);
    expect(text.stdout).toMatch(/Uses: {5}3 joins/);
    expect(text.stdout).toMatch(/Cluster: {2}dev-eu/);
    expect(text.stdout).toContain("--set kubeClusterName=dev-eu");
    expect(text.stdout).toMatch(/Expires: {2}\S+ \(in 9m\)/);

    const json = await hub.warrenctl(
      "tokens",
      "add",
      "--type",
      "kube",
      "--cluster",
      "team-a",
      "--format",
      "json",
      "--labels",
      "team=a",
      "--agent-label-keys",
      "region",
    );
    const minted = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(minted).toMatchObject({
      type: "kube",
      uses: 1,
      cluster: "team-a",
      labels: { team: "a" },
      agentLabelKeys: ["region"],
      hubAddr: hub.addr,
      caPins: [hub.caPin],
    });
    expect(Object.keys(minted)).toEqual(
      expect.arrayContaining(["id", "token", "expiresAt", "uses", "labels"]),
    );
  });

  it("lists tokens without their secrets, and deletes them", async () => {
    const hub = await warren.hub();
    const minted = await hub.mintToken("--type", "kube", "--cluster", "listed");
    const text = await hub.warrenctl("tokens", "ls");
    const json = await hub.warrenctl("tokens", "ls", "--format", "json");
    for (const listing of [text.stdout, json.stdout]) {
      expect(listing).toContain(minted.id);
      expect(listing).not.toContain(minted.token);
      expect(listing).not.toContain(minted.token.split(".")[2]);
    }
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({
        id: minted.id,
        status: "active",
        usesRemaining: 1,
        cluster: "listed",
      }),
    ]);

    expect((await hub.warrenctl("tokens", "rm", minted.id)).stdout).toBe(
      `Deleted join token ${minted.id}.\n`,
    );
    expect((await hub.warrenctl("tokens", "ls")).stdout).toContain("No join tokens.");
    const again = await hub.warrenctl("tokens", "rm", minted.id);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe(
      `warrenctl: the hub refused: there is no join token ${minted.id} (see warrenctl tokens ls)\n`,
    );
  });

  it("explains wrong flags before calling the hub, and the hub's limits after", async () => {
    const hub = await warren.hub();
    const cases: [string[], number, string][] = [
      [["tokens", "add"], 1, "--type is required: kube (joins an agent) or admin"],
      [["tokens", "add", "--type", "node"], 1, '--type: "node" is not one of kube, admin'],
      [["tokens", "add", "--type", "kube", "--ttl", "soon"], 1, '--ttl: "soon" is not a duration'],
      [["tokens", "add", "--type", "kube", "--uses", "0"], 1, "--uses: "],
      [["tokens", "add", "--type", "kube", "--labels", "env"], 1, '--labels: "env" is not a label'],
      [
        ["tokens", "add", "--type", "kube"],
        1,
        "a kube token names the one cluster its agents join (tokens add --cluster NAME)",
      ],
      [["tokens", "add", "--type", "kube", "--cluster", "Bad_Name"], 1, 'cluster name "Bad_Name"'],
      [
        ["tokens", "add", "--type", "kube", "--cluster", "c", "--ttl", "30d"],
        1,
        "ttl 30d is longer than this hub allows (token_max_ttl 7d)",
      ],
      [
        ["tokens", "add", "--type", "admin", "--name", "x", "--labels", "a=b"],
        1,
        "admin tokens carry no cluster or labels",
      ],
      [["tokens", "add", "--type", "admin"], 1, "an admin token names who enrols with it"],
      [
        ["tokens", "add", "--type", "admin", "--name", "local-admin"],
        1,
        "local-admin is reserved for the hub's own admin profile",
      ],
      [["tokens", "add", "--colour"], 2, "Unknown option '--colour'"],
      [["tokens", "fly"], 2, "warrenctl tokens takes one of: add, ls, rm"],
    ];
    for (const [argv, code, words] of cases) {
      const result = await hub.warrenctl(...argv);
      expect({ argv, code: result.code }).toEqual({ argv, code });
      expect(result.stderr).toContain(words);
    }
    expect(JSON.parse((await hub.warrenctl("tokens", "ls", "--format", "json")).stdout)).toEqual(
      [],
    );
  });
});

describe("warrenctl auth login", () => {
  it("enrols another machine with an admin token and a key made there, once", async () => {
    const hub = await warren.hub();
    const token = await warren.adminToken(hub, "alice");
    const profile = join(scratch, "alice.json");
    const login = [
      "auth",
      "login",
      "--hub",
      hub.addr,
      "--token",
      token,
      "--ca-pin",
      hub.caPin,
      "--name",
      "alice",
      "--profile",
      profile,
    ];
    const first = await runWarrenctl(login);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`Logged in to ${hub.addr} as admin alice until `);
    expect(await runWarrenctl(["tokens", "ls", "--profile", profile])).toMatchObject({ code: 0 });
    await hub.process.logs.waitForMessage("admin enrolled", { admin: "alice" });

    const reused = await runWarrenctl(login);
    expect(reused.stderr).toContain("has been used for all 1 of its joins");
  });

  it("checks the CA pin before sending the token, and the token's type", async () => {
    const hub = await warren.hub();
    const admin = await warren.adminToken(hub, "bob");
    const kube = await warren.token(hub, "some-cluster");
    const base = [
      "auth",
      "login",
      "--hub",
      hub.addr,
      "--name",
      "bob",
      "--profile",
      join(scratch, "bob.json"),
    ];
    const wrongPin = `sha256:${"1".repeat(64)}`;
    const pinned = await runWarrenctl([...base, "--token", admin, "--ca-pin", wrongPin]);
    expect(pinned.stderr).toContain(`presents CA ${hub.caPin}, not the pinned ${wrongPin}`);
    expect(hub.process.logs.entries.some((e) => e.msg === "admin enrolled")).toBe(false);

    const wrongType = await runWarrenctl([...base, "--token", kube, "--ca-pin", hub.caPin]);
    expect(wrongType.stderr).toContain('is a "kube" token and cannot enrol an admin');
  });
});

describe("warrenctl and an unreachable or foreign hub", () => {
  it("says the hub cannot be reached, or is not the one the profile trusts", async () => {
    const first = await warren.hub();
    const second = await warren.hub();
    const profile = JSON.parse(
      await readFile(join(first.dataDir, "admin", "profile.json"), "utf8"),
    ) as { hubAddr: string };
    const foreign = join(scratch, "foreign.json");
    await writeFile(foreign, JSON.stringify({ ...profile, hubAddr: second.addr }));
    const untrusted = await runWarrenctl(["tokens", "ls", "--profile", foreign]);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toContain(
      `the server at ${second.addr} presents a certificate this profile's CA does not vouch for`,
    );

    await first.process.stop();
    const down = await first.warrenctl("tokens", "ls");
    expect(down.code).toBe(1);
    expect(down.stderr).toContain(`cannot reach the hub at ${first.addr}`);

    const missing = await runWarrenctl([
      "tokens",
      "ls",
      "--data-dir",
      join(scratch, "nothing-here"),
    ]);
    expect(missing.stderr).toContain("no admin profile at");
  });
});
