// Interactive exec sessions through the hub are recorded: real kubectl, the real API server
// and a real (test) kubelet, over WebSocket and SPDY; played back with warrenctl.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";

import { TestCluster } from "../k8s/index.js";
import { backgroundExec } from "../support/background-kubectl.js";
import { eventually } from "../support/eventually.js";
import {
  applyRole,
  bindExec,
  groupRole,
  proxyAgentNamespace,
  userKubeconfig,
} from "../support/kube-through-hub.js";
import { expectEndedForStoppedReplica, ORPHANS_ENDED } from "../support/orphaned-recording.js";
import type { TestHub } from "../support/test-hub.js";
import { WarrenFixtures } from "../support/warren-fixtures.js";

const POD = "app-0";
const SPDY = { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: "false" };

let cluster: TestCluster;
let hub: TestHub;
let scratch: string;
let appNs: string;
const warren = new WarrenFixtures();
const kube: Record<string, string> = {};

interface PlayedEvent {
  stream: string;
  offsetMs: number;
  text?: string;
}

interface PlayedRecording {
  id: string;
  user: string;
  pod: string;
  namespace: string;
  command: string[];
  protocol: string;
  startedAt: string;
  endedAt?: string;
  exitCode?: number;
  endReason?: string;
  events: PlayedEvent[];
}

beforeAll(async () => {
  cluster = await TestCluster.load(inject("k8sDir"));
  scratch = await mkdtemp(join(tmpdir(), "session-recording-"));
  hub = await warren.hub();
  const where = await proxyAgentNamespace(cluster, "rec-agent");
  const token = await warren.token(hub, "one");
  const agent = warren.agent({
    hubAddr: hub.addr,
    clusterName: "one",
    podName: "a-0",
    where,
    token,
  });
  appNs = await cluster.createNamespace("rec-app");
  await bindExec(cluster, appNs, "execers");
  await applyRole(hub, scratch, "recorded", groupRole("recorded", "execers"));
  const unrecorded =
    groupRole("unrecorded", "execers") + "  options:\n    record_sessions: false\n";
  await applyRole(hub, scratch, "unrecorded", unrecorded);
  await Promise.all([cluster.runPod(appNs, POD), agent.logs.waitForMessage("agent ready")]);
  kube.alice = await userKubeconfig(hub, scratch, "alice", "recorded");
  kube.bob = await userKubeconfig(hub, scratch, "bob", "unrecorded");
  kube.carol = await userKubeconfig(hub, scratch, "carol", "unrecorded,recorded");
  kube.dave = await userKubeconfig(hub, scratch, "dave", "recorded");
  kube.erin = await userKubeconfig(hub, scratch, "erin", "recorded");
}, 120_000);

afterAll(async () => {
  await warren.cleanUp();
  await rm(scratch, { recursive: true, force: true });
});

/** Runs an exec and waits until the hub has audited its end (its recording is written by then). */
async function exec(
  user: string,
  command: string,
  input: string,
  env: Record<string, string> = {},
) {
  const mark = hub.process.logs.mark();
  const result = await cluster.kubectl(
    ["-n", appNs, "exec", "-i", POD, "--", "sh", "-c", command],
    kube[user],
    { input, env },
  );
  await hub.process.logs.waitFor(
    (e) => e.msg === "kube request" && e.user === user && e.resource === "pods/exec",
    `the end of ${user}'s exec`,
    undefined,
    mark,
  );
  return result;
}

/** The request id of the user's latest exec, from the audit log (the recording's id). */
async function lastExecId(user: string): Promise<string> {
  const listed = await hub.warrenctl("audit", "ls", "--user", user, "--format", "json");
  const events = JSON.parse(listed.stdout) as { resource: string; requestId: string }[];
  const execs = events.filter((e) => e.resource === "pods/exec");
  expect(execs.length).toBeGreaterThan(0);
  return execs[0]?.requestId ?? "";
}

async function played(id: string): Promise<PlayedRecording> {
  const result = await hub.warrenctl("recordings", "play", id, "--format", "json");
  expect(result.stderr).toBe("");
  return JSON.parse(result.stdout) as PlayedRecording;
}

const recordingsOf = async (user: string) =>
  JSON.parse(
    (await hub.warrenctl("recordings", "ls", "--user", user, "--format", "json")).stdout,
  ) as {
    id: string;
  }[];

describe.each([
  { transport: "WebSocket", env: {}, protocol: "v5.channel.k8s.io" },
  { transport: "SPDY", env: SPDY, protocol: "SPDY/3.1+v4.channel.k8s.io" },
])("an exec over $transport", ({ env, protocol }) => {
  it("is recorded with its input, output, timing and exit code", async () => {
    const script = "read line; echo got $line; echo oops >&2; sleep 1; echo later; exit 3";
    const result = await exec("alice", script, "hello\n", env);
    expect(result.stdout).toBe("got hello\nlater\n");
    expect(result.stderr).toContain("command terminated with exit code 3");
    const id = await lastExecId("alice");
    const recording = await played(id);
    expect(recording).toMatchObject({
      id,
      user: "alice",
      namespace: appNs,
      pod: POD,
      command: ["sh", "-c", script],
      protocol,
      exitCode: 3,
      endReason: "exit code 3",
    });
    // Each stream in order; stdout and stderr are two pipes, so not ordered between them.
    const stream = (name: string) =>
      recording.events.filter((e) => e.stream === name).map((e) => e.text);
    expect(stream("stdin")).toEqual(["hello\n"]);
    expect(stream("stdout")).toEqual(["got hello\n", "later\n"]);
    expect(stream("stderr")).toEqual(["oops\n"]);
    const offsets = recording.events.map((e) => e.offsetMs);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    const at = (text: string) => recording.events.find((e) => e.text === text)?.offsetMs ?? 0;
    expect(at("hello\n")).toBeLessThanOrEqual(at("got hello\n"));
    // The command slept a second between these two; the session lasted at least as long.
    expect(at("later\n") - at("got hello\n")).toBeGreaterThanOrEqual(900);
    const lengthMs = Date.parse(recording.endedAt ?? "") - Date.parse(recording.startedAt);
    expect(lengthMs).toBeGreaterThanOrEqual(at("later\n"));
    const output = await hub.warrenctl("recordings", "play", id, "--speed", "0");
    expect(output.stdout).toMatch(/^(got hello\noops\n|oops\ngot hello\n)later\n$/);
  });
});

describe("who is recorded", () => {
  it("a role with record_sessions: false leaves no recording; another role that records wins", async () => {
    expect((await exec("bob", "cat", "unseen\n")).stdout).toBe("unseen\n");
    expect(await lastExecId("bob")).not.toBe("");
    expect(await recordingsOf("bob")).toEqual([]);
    expect((await exec("carol", "cat", "seen\n")).stdout).toBe("seen\n");
    const id = await lastExecId("carol");
    expect((await recordingsOf("carol")).map((r) => r.id)).toEqual([id]);
  });

  it("names a recording that does not exist, and keeps every read in the audit log", async () => {
    const missing = await hub.warrenctl("recordings", "play", "nope");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('there is no recording "nope"');
    const reads = await hub.warrenctl("audit", "ls", "--kind", "admin", "--format", "json");
    expect(reads.stdout).toContain('"resource": "recordings"');
  });

  it("a session the hub ends says why in its recording, and keeps what ran until then", async () => {
    const mark = hub.process.logs.mark();
    const shell = backgroundExec(cluster, kube.dave ?? "", appNs, POD);
    shell.write("before the lock\n");
    await shell.stdout.waitFor((e) => e.msg === "before the lock", "the exec's echo");
    expect((await hub.warrenctl("users", "lock", "dave", "--reason", "incident 7")).code).toBe(0);
    await shell.exited;
    await hub.process.logs.waitFor(
      (e) => e.msg === "kube request" && e.user === "dave" && e.resource === "pods/exec",
      "the end of dave's exec",
      undefined,
      mark,
    );
    const recording = await played(await lastExecId("dave"));
    expect(recording.exitCode).toBeUndefined();
    expect(recording.endReason).toContain("user dave is locked");
    expect(recording.endReason).toContain("incident 7");
    expect(recording.events.map((e) => [e.stream, e.text])).toEqual([
      ["stdin", "before the lock\n"],
      ["stdout", "before the lock\n"],
    ]);
  });
});

describe("a hub killed mid-session", () => {
  it("ends the session's recording once it is back, saying why, keeping what was written", async () => {
    const shell = backgroundExec(cluster, kube.erin ?? "", appNs, POD);
    shell.write("before the crash\n");
    await shell.stdout.waitFor((e) => e.msg === "before the crash", "the exec's echo");
    const [running] = await recordingsOf("erin");
    const id = running?.id ?? "";
    // Events are written within a second: wait for them, so the kill loses none.
    await eventually(async () => (await played(id)).events.length === 2 || undefined, {
      description: "the session's first events on disk",
    });
    expect((await played(id)).endedAt).toBeUndefined();
    await hub.process.kill();
    await shell.exited;
    hub = await warren.hub({ dataDir: hub.dataDir, port: hub.port, tunnelPort: hub.tunnelPort });
    await hub.process.logs.waitFor(
      (e) => e.msg === ORPHANS_ENDED,
      "the restarted hub to end the orphaned recording",
    );
    expectEndedForStoppedReplica(await played(id), "before the crash");
  });
});
