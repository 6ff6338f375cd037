import {
  kubeClusterEntry,
  kubeEntryName,
  mergeKubeconfig,
  type HubKubeEndpoint,
} from "@warren/kubeconfig";

/** What a downloaded kubeconfig names: the hub's kube endpoint and where warren logs in. */
export interface ConsoleKubeEndpoint extends HubKubeEndpoint {
  hubName: string;
  /** host:port `warren login --hub` takes. */
  hubAddr: string;
}

/**
 * A kubeconfig for one cluster whose user is warren's credential plugin, as `warren kube
 * login` writes it: no credential in the file, so a download leaks nothing; kubectl asks
 * `warren` for a certificate, which needs `warren login` on that machine first.
 */
export function consoleKubeconfig(endpoint: ConsoleKubeEndpoint, cluster: string): string {
  return mergeKubeconfig("", {
    name: kubeEntryName(endpoint.hubName, cluster),
    cluster: kubeClusterEntry(endpoint, cluster),
    user: {
      exec: {
        apiVersion: "client.authentication.k8s.io/v1",
        command: "warren",
        args: ["kube", "credentials", "--hub", endpoint.hubAddr, "--cluster", cluster],
        interactiveMode: "Never",
        provideClusterInfo: false,
        installHint: `warren is Warren's CLI: install it and run warren login --hub ${endpoint.hubAddr}`,
      },
    },
  });
}
