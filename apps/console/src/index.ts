import { fileURLToPath } from "node:url";

export type * from "./api-types.js";

/** Where `npm run build` puts the console's pages and assets (from src/ and dist/ alike). */
export const consoleAssetsDir = (): string =>
  fileURLToPath(new URL("../dist/web", import.meta.url));
