// A worker thread of simulated-agents.ts: workers do not inherit the hooks tsx registers with
// --import (tsx issue #354), so this one registers them before it loads the TypeScript.
import { register } from "tsx/esm/api";

register();
await import("./simulated-agents.ts");
