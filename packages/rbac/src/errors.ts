export enum RbacErrorCode {
  /** A role document is not valid YAML or does not have a role's shape. */
  InvalidRole = "invalid_role",
  /** A kubernetes_labels_expression does not parse. */
  InvalidExpression = "invalid_expression",
}

export class RbacError extends Error {
  override readonly name = "RbacError";

  constructor(
    readonly code: RbacErrorCode,
    message: string,
  ) {
    super(message);
  }
}
