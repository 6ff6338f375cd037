export enum HubClientErrorCode {
  /** No admin profile where one was expected. */
  ProfileMissing = "profile_missing",
  /** An admin profile that cannot be read or lacks fields. */
  ProfileInvalid = "profile_invalid",
}

export class HubClientError extends Error {
  override readonly name = "HubClientError";

  constructor(
    readonly code: HubClientErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
