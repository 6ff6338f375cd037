// A process serving the agent's gRPC service straight on a loopback port: the baseline a
// tunnel is measured against. Prints the port, then serves until killed.
import { Server, ServerCredentials } from "@grpc/grpc-js";
import { createAgentService } from "@warren/agent";
import { silentLogger } from "@warren/log";
import { AgentServiceService } from "@warren/proto";

const server = new Server();
server.addService(
  AgentServiceService,
  createAgentService({
    agentVersion: "bench",
    logger: silentLogger,
    upstream: undefined,
    health: undefined,
  }).implementation,
);
server.bindAsync("127.0.0.1:0", ServerCredentials.createInsecure(), (error, port) => {
  if (error) throw error;
  process.stdout.write(`${JSON.stringify({ msg: "listening", port })}\n`);
});
