// For tests and embedding: the hub as a library.
export { startHub, type RunningHub } from "./hub.js";
export { loadHubConfig, hubOptionSpecs, type HubConfig } from "./config/hub-config.js";
export { hubMain, isHubUserError } from "./cli.js";
export { HUB_VERSION } from "./version.js";
export { TUNNEL_ED25519_HOST_KEY_NAME, TUNNEL_HOST_KEY_NAME } from "./ca/tunnel-host-identity.js";
