import { KubeRefusal } from "./kube-refusal.js";

const PREFIX = "/k8s/";

export interface KubeRoute {
  cluster: string;
  /** Path and query for the cluster's API server, starting with "/". */
  path: string;
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

/** Reads /k8s/<cluster>/<path>; anything else is not a kube route. */
export function parseKubeRoute(url: string): KubeRoute {
  if (!url.startsWith(PREFIX)) {
    throw new KubeRefusal(
      404,
      `${JSON.stringify((url.split("?")[0] ?? "").slice(0, 100))} is not a Warren kube path: ` +
        "use https://HUB/k8s/<cluster>/… " +
        "(warrenctl auth sign writes kubeconfigs that do)",
    );
  }
  const rest = url.slice(PREFIX.length);
  const end = rest.search(/[/?]/);
  const encoded = end < 0 ? rest : rest.slice(0, end);
  const remainder = end < 0 ? "" : rest.slice(end);
  const cluster = decodedName(encoded);
  if (cluster === "") throw new KubeRefusal(404, "no cluster named in the path /k8s/<cluster>/…");
  return { cluster, path: remainder.startsWith("/") ? remainder : `/${remainder}` };
}
