import { readFile } from "node:fs/promises";

import { WarrenctlError, WarrenctlErrorCode } from "./errors.js";

/** A file the person named on the command line; unreadable is their error, not a bug. */
export async function readInputFile(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    throw new WarrenctlError(
      WarrenctlErrorCode.InvalidFlag,
      `cannot read ${path}: ${(error as Error).message}`,
    );
  }
}
