export enum AgentErrorCode {
  /** The agent may not read or write its state (RBAC, permissions). */
  StateForbidden = "state_forbidden",
  /** The stored state is not a Warren agent identity. */
  StateCorrupt = "state_corrupt",
  /** The state store cannot be reached. */
  StateUnavailable = "state_unavailable",
  /** Neither POD_NAME/POD_NAMESPACE nor --state-dir says where to keep the identity. */
  NoStateLocation = "no_state_location",
  /** The hub's CA is not the one the agent trusts or pins. */
  CaMismatch = "ca_mismatch",
  /** The hub refused to let the agent join. */
  JoinRefused = "join_refused",
  /** The hub cannot be reached. */
  HubUnreachable = "hub_unreachable",
  /** The hub no longer accepts this agent's identity. */
  IdentityRejected = "identity_rejected",
  /** The kubeconfig (or a file it names) cannot be read, or names no cluster. */
  KubeconfigUnusable = "kubeconfig_unusable",
  /** The diagnostics port cannot be bound. */
  Listen = "listen",
}

export class AgentError extends Error {
  override readonly name = "AgentError";

  constructor(
    readonly code: AgentErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
