import { CoreV1Api, type KubeConfig } from "@kubernetes/client-node";

/** The Secret names a StatefulSet's agents keep their identity in: <statefulset>-<N>-state. */
export function isStateSecretOf(statefulSet: string, secretName: string): boolean {
  if (!secretName.startsWith(`${statefulSet}-`) || !secretName.endsWith("-state")) return false;
  const ordinal = secretName.slice(statefulSet.length + 1, -"-state".length);
  return /^(0|[1-9][0-9]*)$/.test(ordinal);
}

/**
 * Deletes every <statefulset>-<N>-state Secret in `namespace`: the Helm chart's post-delete
 * hook, since the agent itself never deletes its state. Returns the names deleted.
 */
export async function deleteStateSecrets(
  kubeConfig: KubeConfig,
  namespace: string,
  statefulSet: string,
): Promise<string[]> {
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const secrets = await core.listNamespacedSecret({ namespace });
  const names = secrets.items
    .map((secret) => secret.metadata?.name ?? "")
    .filter((name) => isStateSecretOf(statefulSet, name));
  for (const name of names) {
    await core.deleteNamespacedSecret({ name, namespace }).catch((error: unknown) => {
      // Already gone is what we want.
      if ((error as { code?: number }).code !== 404) throw error;
    });
  }
  return names;
}
