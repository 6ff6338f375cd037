import { KubeConfig } from "@kubernetes/client-node";

import type { AgentConfig } from "../config/agent-config.js";
import { AgentError, AgentErrorCode } from "../errors.js";
import { DirectoryStateStore } from "./directory-state-store.js";
import { SecretStateStore } from "./secret-state-store.js";
import type { StateStore } from "./state-store.js";

/** The kubeconfig the agent uses: --kubeconfig/KUBECONFIG, else its pod's ServiceAccount. */
export function loadKubeConfig(config: AgentConfig): KubeConfig {
  const kubeConfig = new KubeConfig();
  const file = config.kubeconfig;
  try {
    if (file !== undefined) kubeConfig.loadFromFile(file);
    else kubeConfig.loadFromCluster();
  } catch (error) {
    throw new AgentError(
      AgentErrorCode.KubeconfigUnusable,
      file === undefined
        ? `cannot use this pod's ServiceAccount: ${(error as Error).message}`
        : `cannot read the kubeconfig ${file}: ${(error as Error).message}; give --kubeconfig ` +
            "(or KUBECONFIG) a readable kubeconfig, or run the agent in a pod to use its ServiceAccount",
      { cause: error },
    );
  }
  return kubeConfig;
}

/** The Secret <POD_NAME>-state in a pod; a directory outside Kubernetes. */
export function createStateStore(config: AgentConfig): StateStore {
  if (config.podName !== undefined && config.podNamespace !== undefined) {
    return new SecretStateStore({
      kubeConfig: loadKubeConfig(config),
      namespace: config.podNamespace,
      podName: config.podName,
    });
  }
  if (config.stateDir !== undefined) return new DirectoryStateStore(config.stateDir);
  throw new AgentError(
    AgentErrorCode.NoStateLocation,
    "nowhere to keep the agent's identity: set POD_NAME and POD_NAMESPACE (the Helm chart does) " +
      "to use the Secret <POD_NAME>-state, or --state-dir DIR outside Kubernetes",
  );
}
