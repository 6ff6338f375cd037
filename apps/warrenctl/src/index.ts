// For tests: warrenctl in-process, exactly as the binary runs it.
export { warrenctl, type WarrenctlIo } from "./main.js";
export { userProfilePath } from "./profile-path.js";
