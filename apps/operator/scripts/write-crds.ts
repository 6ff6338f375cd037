// Writes the CRDs into both charts from apps/operator/src/crds (their one source). Under CI a
// difference fails instead: the chart files are committed and must match what generates them.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { CRD_FILES, crdTemplate } from "../src/crds/crd-files.js";

const root = fileURLToPath(new URL("../../..", import.meta.url));
for (const file of CRD_FILES) {
  const path = join(root, file.path);
  const fresh = crdTemplate(file.guard);
  let current = "";
  try {
    current = readFileSync(path, "utf8");
  } catch {
    // Written below.
  }
  if (current === fresh) {
    console.log(`${file.path} is up to date`);
  } else if (process.env.CI) {
    console.error(`${file.path} differs from the CRD schemas: run npm run generate and commit it`);
    process.exitCode = 1;
  } else {
    writeFileSync(path, fresh);
    console.log(`wrote ${file.path}`);
  }
}
