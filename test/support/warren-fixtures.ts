import type { ProcessLogs } from "./process-logs.js";
import { spawnAgent, expectNoSecretsInLogs } from "./agent-in-cluster.js";
import { startTestHub, type StartTestHubOptions, type TestHub } from "./test-hub.js";
import { spawnWarren, type WarrenProcess } from "./warren-process.js";

/**
 * The hubs and agents one test starts, stopped after it; and the secrets it minted, checked
 * never to appear in any of their logs.
 */
export class WarrenFixtures {
  private readonly processes: WarrenProcess[] = [];
  private readonly secrets: string[] = [];

  async hub(options: StartTestHubOptions = {}): Promise<TestHub> {
    const started = await startTestHub(options);
    this.processes.push(started.process);
    return started;
  }

  agent(options: Parameters<typeof spawnAgent>[0]): WarrenProcess {
    const spawned = spawnAgent(options);
    this.processes.push(spawned);
    return spawned;
  }

  /** An agent outside Kubernetes, keeping its identity in `stateDir`. */
  dirAgent(options: {
    hubAddr: string;
    clusterName: string;
    stateDir: string;
    token?: string;
    env?: Record<string, string>;
  }): WarrenProcess {
    const spawned = spawnWarren(
      "agent",
      [
        "start",
        "--hub-addr",
        options.hubAddr,
        "--cluster-name",
        options.clusterName,
        "--state-dir",
        options.stateDir,
      ],
      {
        WARREN_LOG_LEVEL: "debug",
        ...(options.token !== undefined ? { WARREN_JOIN_TOKEN: options.token } : {}),
        ...options.env,
      },
    );
    this.processes.push(spawned);
    return spawned;
  }

  /** Mints a kube token for `cluster` on `hub` and remembers it as a secret. */
  async token(hub: TestHub, cluster: string, ...flags: string[]): Promise<string> {
    return this.minted(hub, "--type", "kube", "--cluster", cluster, ...flags);
  }

  /** Mints an admin token for `name` on `hub` and remembers it as a secret. */
  async adminToken(hub: TestHub, name: string, ...flags: string[]): Promise<string> {
    return this.minted(hub, "--type", "admin", "--name", name, ...flags);
  }

  private async minted(hub: TestHub, ...flags: string[]): Promise<string> {
    const minted = await hub.mintToken(...flags);
    this.secrets.push(minted.token);
    return minted.token;
  }

  /** Stops everything, then fails if a log holds a private key or a minted token. */
  async cleanUp(): Promise<void> {
    const logs: ProcessLogs[] = this.processes.map((p) => p.logs);
    await Promise.all(this.processes.splice(0).map((p) => p.stop()));
    expectNoSecretsInLogs(logs, this.secrets.splice(0));
  }
}
