export enum OperatorErrorCode {
  /** The hub presents another CA than the pinned one. */
  CaMismatch = "ca_mismatch",
  /** The hub cannot be reached. */
  HubUnreachable = "hub_unreachable",
  /** The hub refused the operator's join (the provision token, its ServiceAccount token). */
  JoinRefused = "join_refused",
  /** The ServiceAccount token file cannot be read. */
  NoServiceAccountToken = "no_service_account_token",
  /** Neither --kubeconfig nor an in-cluster ServiceAccount says how to reach Kubernetes. */
  NoKubernetes = "no_kubernetes",
  /** The Kubernetes API refused or failed a request the operator needs. */
  KubernetesApi = "kubernetes_api",
}

export class OperatorError extends Error {
  override readonly name = "OperatorError";

  constructor(
    readonly code: OperatorErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
