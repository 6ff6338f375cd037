import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { CRD_FILES, crdTemplate } from "./crd-files.js";

const root = fileURLToPath(new URL("../../../..", import.meta.url));

describe("the charts' CRDs", () => {
  it.each(CRD_FILES)(
    "$path is what the schemas generate (npm run generate -w @warren/operator)",
    (file) => {
      expect(readFileSync(join(root, file.path), "utf8")).toBe(crdTemplate(file.guard));
    },
  );
});
