// For tests: warren in-process, exactly as the binary runs it.
export { warren, type WarrenIo } from "./main.js";
export { kubeconfigPath } from "./commands/kube-login.js";
