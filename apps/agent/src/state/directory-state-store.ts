import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { AgentError, AgentErrorCode } from "../errors.js";
import { decodeState, encodeState, type AgentState, type VersionedState } from "./agent-state.js";
import type { SaveOutcome, StateStore } from "./state-store.js";

interface StateFile {
  version: number;
  data: Record<string, string>;
}

/**
 * The identity in DIR/state.json outside Kubernetes. Writes replace the file whole; the version
 * check protects against a stale writer in this process, not against two agents sharing a
 * directory (give each its own).
 */
export class DirectoryStateStore implements StateStore {
  readonly description: string;
  readonly resetInstructions: string;
  private readonly file: string;

  constructor(private readonly dir: string) {
    this.file = join(dir, "state.json");
    this.description = `state directory ${dir}`;
    this.resetInstructions = `rm -r ${dir}, then restart the agent`;
  }

  private async read(): Promise<StateFile | undefined> {
    try {
      return JSON.parse(await readFile(this.file, "utf8")) as StateFile;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw new AgentError(
        AgentErrorCode.StateCorrupt,
        `cannot read ${this.file}: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }

  async load(): Promise<VersionedState | undefined> {
    const file = await this.read();
    return (
      file && { state: decodeState(file.data, this.description), version: String(file.version) }
    );
  }

  async save(state: AgentState, expectedVersion: string | undefined): Promise<SaveOutcome> {
    const current = await this.read();
    if (
      (current === undefined) !== (expectedVersion === undefined) ||
      (current && String(current.version) !== expectedVersion)
    ) {
      return { saved: false, current: await this.load() };
    }
    const version = (current?.version ?? 0) + 1;
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const scratch = `${this.file}.${randomBytes(4).toString("hex")}.tmp`;
    await writeFile(scratch, JSON.stringify({ version, data: encodeState(state) }), {
      mode: 0o600,
    });
    await rename(scratch, this.file);
    return { saved: true, version: String(version) };
  }
}
