/** The command line itself is wrong: unknown command or flag, missing argument. Exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
