import { defineConfig, mergeConfig } from "vitest/config";

import shared from "../vitest.shared.js";

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      globalSetup: ["k8s/global-setup.ts"],
      // Real servers and real kubectl: slower than unit tests, never waiting on time itself.
      testTimeout: 60_000,
      hookTimeout: 120_000,
    },
  }),
);
