export enum WarrenErrorCode {
  /** The hub cannot be reached. */
  HubUnreachable = "hub_unreachable",
  /** The server is not the hub this profile trusts (or the pin given). */
  HubUntrusted = "hub_untrusted",
  /** The hub refused; its message says why. */
  Refused = "refused",
  /** A flag's value is wrong or missing. */
  InvalidFlag = "invalid_flag",
  /** No login for that hub on this machine. */
  NotLoggedIn = "not_logged_in",
  /** The login session is over: log in again. */
  SessionEnded = "session_ended",
  /** The browser step failed or was abandoned. */
  LoginFailed = "login_failed",
}

/** A failure the person at the terminal can fix: printed as its message, exit code 1. */
export class WarrenError extends Error {
  override readonly name = "WarrenError";

  constructor(
    readonly code: WarrenErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export const invalidFlag = (message: string) =>
  new WarrenError(WarrenErrorCode.InvalidFlag, message);
