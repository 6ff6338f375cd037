// A process serving the agent's gRPC service straight on a loopback port: the baseline a
// tunnel is measured against. Prints the port, then serves until killed.
import { createAgentGrpcServer } from "@warren/agent";
import { silentLogger } from "@warren/log";

const server = createAgentGrpcServer({
  agentVersion: "bench",
  logger: silentLogger,
  upstream: undefined,
  health: undefined,
  benchRpcs: true,
});
const port = await server.listen("127.0.0.1", 0);
process.stdout.write(`${JSON.stringify({ msg: "listening", port })}\n`);
