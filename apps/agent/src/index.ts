// For tests and embedding: the agent as a library.
export { startAgent, type Agent } from "./agent.js";
export { agentMain, isAgentUserError } from "./cli.js";
export { loadAgentConfig, type AgentConfig } from "./config/agent-config.js";
export { STATE_KEYS, type AgentState } from "./state/agent-state.js";
export { AGENT_VERSION } from "./version.js";
export { createAgentGrpcServer, type AgentGrpcServer } from "./service/agent-service.js";
