// Writes the CRDs into both charts from apps/operator/src/crds (the one source of them).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { CRD_FILES, crdTemplate } from "../src/crds/crd-files.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
for (const file of CRD_FILES) {
  writeFileSync(join(root, file.path), crdTemplate(file.guard));
  console.log(`wrote ${file.path}`);
}
