// Warren's wire contracts. Everything here is generated from proto/warren/v1 (see
// scripts/generate.mjs); this file only names what other packages may use.

export {
  ClusterHealth,
  Header,
  HealthState,
  healthStateFromJSON,
  healthStateToJSON,
} from "./gen/warren/v1/common.js";

export {
  AgentServiceClient,
  type AgentServiceServer,
  AgentServiceService,
  BodyChunk,
  CheckHealthRequest,
  CheckHealthResponse,
  DownloadRequest,
  DownloadResponse,
  EchoRequest,
  EchoResponse,
  Heartbeat,
  Impersonation,
  PingRequest,
  PingResponse,
  ProxyRequest,
  ProxyResponse,
  RequestHead,
  ResponseHead,
  UpgradedData,
  WatchHeartbeatsRequest,
  WatchHeartbeatsResponse,
} from "./gen/warren/v1/agent.js";

export {
  AgentIdentity,
  CheckIdentityRequest,
  CheckIdentityResponse,
  EnrollAdminRequest,
  EnrollAdminResponse,
  JoinRequest,
  JoinResponse,
  JoinServiceClient,
  type JoinServiceServer,
  JoinServiceService,
  RenewCertificateRequest,
  RenewCertificateResponse,
  TunnelInfo,
} from "./gen/warren/v1/join.js";

export {
  AdminServiceClient,
  type AdminServiceServer,
  AdminServiceService,
  AgentInfo,
  ClusterInfo,
  CreateTokenRequest,
  CreateTokenResponse,
  DeleteAgentRequest,
  DeleteAgentResponse,
  DeleteTokenRequest,
  DeleteTokenResponse,
  ListClustersRequest,
  ListClustersResponse,
  ListTokensRequest,
  ListTokensResponse,
  PingAgentRequest,
  PingAgentResponse,
  TokenInfo,
  TokenType,
  tokenTypeFromJSON,
  tokenTypeToJSON,
} from "./gen/warren/v1/admin.js";
