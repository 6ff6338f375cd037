import { describe, expect, it } from "vitest";

import type { AgentConfig } from "../config/agent-config.js";
import { isAgentUserError } from "../cli.js";
import { AgentError, AgentErrorCode } from "../errors.js";
import { loadKubeConfig } from "./create-state-store.js";

describe("loadKubeConfig", () => {
  it("says which kubeconfig it cannot read and what to do: a user error, not a bug", () => {
    const config = { kubeconfig: "/nonexistent/warren.kubeconfig" } as AgentConfig;
    let thrown: unknown;
    try {
      loadKubeConfig(config);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AgentError);
    expect((thrown as AgentError).code).toBe(AgentErrorCode.KubeconfigUnusable);
    expect((thrown as AgentError).message).toMatch(
      /^cannot read the kubeconfig \/nonexistent\/warren\.kubeconfig: .*ENOENT.*give --kubeconfig/,
    );
    expect(isAgentUserError(thrown)).toBe(true);
  });
});
