export enum WarrenctlErrorCode {
  /** The hub cannot be reached. */
  HubUnreachable = "hub_unreachable",
  /** The server at the profile's address is not the hub the profile trusts. */
  HubUntrusted = "hub_untrusted",
  /** The hub refused the call; its message says why. */
  Refused = "refused",
  /** A flag's value is wrong. */
  InvalidFlag = "invalid_flag",
  /** The hub is not the one the given CA pin names. */
  PinMismatch = "pin_mismatch",
  /** warrenctl doctor found problems (and printed them). */
  ProblemsFound = "problems_found",
}

/** A failure the person at the terminal can fix: printed as its message, exit code 1. */
export class WarrenctlError extends Error {
  override readonly name = "WarrenctlError";

  constructor(
    readonly code: WarrenctlErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
