/**
 * Versions of the real Kubernetes parts the tests run against. Changing one rebuilds it once
 * (the cache is keyed by version). etcd is the version Kubernetes itself requires.
 */
export const KUBERNETES_VERSION = "v1.33.13";
export const ETCD_VERSION = "v3.5.21";
export const HELM_VERSION = "v3.19.5";
/** The oldest Go that builds all three (Kubernetes 1.33 requires 1.24). */
export const MIN_GO_VERSION = "1.24";
