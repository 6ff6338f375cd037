export enum IdentityErrorCode {
  /** A join token is not of the form `warrenctl tokens add` prints. */
  MalformedToken = "malformed_token",
  /** A certificate carries no Warren identity (it was not issued by a Warren hub). */
  MissingIdentity = "missing_identity",
  /** A certificate's identity cannot be read. */
  MalformedIdentity = "malformed_identity",
  /** A person's or admin's name is not a valid name. */
  InvalidName = "invalid_name",
  /** A cluster name is not a valid name. */
  InvalidClusterName = "invalid_cluster_name",
  /** Labels are not valid Kubernetes-style labels. */
  InvalidLabels = "invalid_labels",
}

export class IdentityError extends Error {
  override readonly name = "IdentityError";

  constructor(
    readonly code: IdentityErrorCode,
    message: string,
  ) {
    super(message);
  }
}
