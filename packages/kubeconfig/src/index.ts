export { kubeClusterEntry, kubeEntryName, type HubKubeEndpoint } from "./cluster-entry.js";
export { mergeKubeconfig, type KubeconfigEntry } from "./merge-kubeconfig.js";
