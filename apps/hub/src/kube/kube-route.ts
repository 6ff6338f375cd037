import { KubeRefusal } from "./kube-refusal.js";

const PREFIX = "/k8s/";

export interface KubeRoute {
  cluster: string;
  /** Path and query for the cluster's API server, starting with "/". */
  path: string;
  /** How the cluster was chosen: by TLS server name, or by the older /k8s/<cluster> path. */
  by: "server-name" | "path";
}

function decodedName(encoded: string): string {
  try {
    return decodeURIComponent(encoded);
  } catch {
    throw new KubeRefusal(
      400,
      "the cluster name in the path /k8s/<cluster>/… is not valid URL encoding",
    );
  }
}

/** Reads /k8s/<cluster>/<path>; anything else is not a path route. */
function pathRoute(url: string): KubeRoute {
  if (!url.startsWith(PREFIX)) {
    throw new KubeRefusal(
      404,
      `${JSON.stringify((url.split("?")[0] ?? "").slice(0, 100))} is not a Warren kube path: ` +
        "choose the cluster with tls-server-name <cluster>.<kube server name> in the " +
        "kubeconfig, or the path https://HUB/k8s/<cluster>/… " +
        "(warrenctl auth sign writes kubeconfigs that do both)",
    );
  }
  const rest = url.slice(PREFIX.length);
  const end = rest.search(/[/?]/);
  const encoded = end < 0 ? rest : rest.slice(0, end);
  const remainder = end < 0 ? "" : rest.slice(end);
  const cluster = decodedName(encoded);
  if (cluster === "") throw new KubeRefusal(404, "no cluster named in the path /k8s/<cluster>/…");
  return { cluster, path: remainder.startsWith("/") ? remainder : `/${remainder}`, by: "path" };
}

/**
 * The cluster and path of a request. The TLS server name, when it names a cluster, decides:
 * a path under /k8s/<that cluster> loses the prefix (kubeconfigs keep it in the server URL so
 * kubectl's discovery cache, keyed by that URL, stays per cluster), and any other path goes
 * to the API server as it is, so absolute and raw paths (--raw /readyz) work. Without a
 * server name, the older /k8s/<cluster>/<path> form.
 */
export function kubeRoute(url: string, serverNameCluster: string | undefined): KubeRoute {
  if (serverNameCluster === undefined) return pathRoute(url);
  if (serverNameCluster === "") throw new KubeRefusal(404, "the TLS server name names no cluster");
  if (!url.startsWith(PREFIX)) {
    return {
      cluster: serverNameCluster,
      path: url.startsWith("/") ? url : `/${url}`,
      by: "server-name",
    };
  }
  const prefixed = pathRoute(url);
  if (prefixed.cluster !== serverNameCluster) {
    throw new KubeRefusal(
      400,
      `the TLS server name names cluster "${serverNameCluster}" but the path names ` +
        `"${prefixed.cluster.slice(0, 63)}": use a kubeconfig from warrenctl auth sign`,
    );
  }
  return { ...prefixed, by: "server-name" };
}
