// What integration tests use from the local Kubernetes environment.
export { TestCluster } from "./test-cluster.js";
export { buildKubeconfig, writeKubeconfig, type KubeconfigOptions } from "./kubeconfig.js";
export { runCommand, type CommandResult } from "./run-command.js";
export type { K8sBinaries } from "./binaries.js";
