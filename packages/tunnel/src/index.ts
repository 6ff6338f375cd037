export { TunnelError, TunnelErrorCode } from "./errors.js";
export { drainedOrClosed, overWriteAhead, writeDrained, WRITE_AHEAD_BYTES } from "./drained.js";
export { AgentTunnel, type KeepaliveOptions } from "./ssh/agent-tunnel.js";
export { GrpcCall, type GrpcMethod } from "./grpc/grpc-call.js";
export {
  Http2GrpcClient,
  type CallOptions,
  type Http2GrpcClientOptions,
} from "./grpc/http2-grpc-client.js";
export {
  Http2GrpcServer,
  type GrpcHandler,
  type Http2GrpcServerOptions,
} from "./grpc/http2-grpc-server.js";
export { ServerCall, type GrpcServerMethod } from "./grpc/server-call.js";
export { sshPublicKey, sshSigningKey, verifySshSignature } from "./ssh/ssh-keys.js";
export {
  openTunnel,
  type TunnelClientOptions,
  type TunnelConnection,
} from "./ssh/tunnel-client.js";
export {
  TunnelServer,
  type TunnelAuthResult,
  type TunnelServerOptions,
} from "./ssh/tunnel-server.js";
export { Backoff, type BackoffOptions } from "./backoff/backoff.js";
