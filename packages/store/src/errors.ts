export enum StoreErrorCode {
  /** The database was written by a newer Warren and cannot be read safely. */
  NewerSchema = "newer_schema",
  /** The database cannot be opened (permissions, corruption, locked). */
  Unavailable = "unavailable",
}

export class StoreError extends Error {
  override readonly name = "StoreError";

  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
