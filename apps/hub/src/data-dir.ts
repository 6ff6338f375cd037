import { chmod, mkdir, stat } from "node:fs/promises";

import type { Logger } from "@warren/log";

import { HubError, HubErrorCode } from "./errors.js";

/** Creates the data directory private to its owner, and makes an existing one private. */
export async function ensurePrivateDataDir(dir: string, logger: Logger): Promise<void> {
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const mode = (await stat(dir)).mode & 0o777;
    if (mode !== 0o700) {
      await chmod(dir, 0o700);
      logger.warn(
        { dataDir: dir, was: mode.toString(8) },
        "made the data directory private (0700): it holds the CA key",
      );
    }
  } catch (cause) {
    throw new HubError(
      HubErrorCode.DataDir,
      `cannot use ${dir} as the data directory: ${(cause as Error).message} (choose another with --data-dir)`,
      { cause },
    );
  }
}
