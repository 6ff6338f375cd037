import { UsageError } from "./usage-error.js";

export interface Output {
  write(text: string): unknown;
}

export interface RunMainOptions {
  /** The program's name, prefixed to error messages. */
  program: string;
  /** Errors the user can act on (bad config, refused calls): message only, exit code 1. */
  isUserError: (error: unknown) => boolean;
  stderr?: Output;
}

export const EXIT_USER_ERROR = 1;
export const EXIT_USAGE = 2;
/** sysexits' EX_SOFTWARE: an internal error, i.e. a bug. */
export const EXIT_BUG = 70;

/**
 * The one place a command's failure becomes output and an exit code: usage errors and user
 * errors print their message; anything else is a bug and prints its stack.
 */
export async function runMain(
  main: () => Promise<number | undefined>,
  options: RunMainOptions,
): Promise<number> {
  const stderr = options.stderr ?? process.stderr;
  try {
    return (await main()) ?? 0;
  } catch (error) {
    if (error instanceof UsageError) {
      stderr.write(`${options.program}: ${error.message}\n`);
      return EXIT_USAGE;
    }
    if (options.isUserError(error)) {
      stderr.write(`${options.program}: ${(error as Error).message}\n`);
      return EXIT_USER_ERROR;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    stderr.write(
      `${options.program}: unexpected error, which is a bug; please report it with this:\n${detail}\n`,
    );
    return EXIT_BUG;
  }
}
