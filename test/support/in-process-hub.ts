import { loadHubConfig, startHub, type RunningHub } from "@warren/hub";
import { silentLogger } from "@warren/log";

/**
 * A hub in the test's own process, on loopback with free ports, for tests and benchmarks that
 * reach into its agent registry rather than only through its API.
 */
export async function startInProcessHub(dataDir: string): Promise<RunningHub> {
  const config = await loadHubConfig({
    flags: {
      "data-dir": dataDir,
      "listen-addr": "127.0.0.1:0",
      "tunnel-listen-addr": "127.0.0.1:0",
      "kube-listen-addr": "127.0.0.1:0",
      "metrics-listen-addr": "127.0.0.1:0",
      "web-listen-addr": "127.0.0.1:0",
    },
    env: {},
  });
  return startHub(config, silentLogger);
}
