import { experimental, Server } from "@grpc/grpc-js";
import { formatHostPort, type HostPort } from "@warren/config";
import {
  AdminServiceService,
  JoinServiceService,
  LoginServiceService,
  UserServiceService,
  type AdminServiceServer,
  type JoinServiceServer,
  type LoginServiceServer,
  type UserServiceServer,
} from "@warren/proto";

import type { ServerIdentity } from "../ca/server-identity.js";
import { HubError, HubErrorCode } from "../errors.js";
import {
  ServingCertificateProvider,
  type ServingCredentials,
} from "./serving-certificate-provider.js";

export interface ApiServer {
  /** The port actually bound (the configured one, or a free one for port 0). */
  port: number;
  /** Stops taking calls, lets running ones finish for up to graceMs, then cuts them. */
  stop(graceMs: number): Promise<void>;
  /** New connections verify clients against `caPem` and are served with `identity`. */
  setCredentials(credentials: ServingCredentials): void;
}

export interface ApiServerOptions {
  listen: HostPort;
  caPem: string;
  identity: ServerIdentity;
  join: JoinServiceServer;
  admin: AdminServiceServer;
  login: LoginServiceServer;
  user: UserServiceServer;
  /** A TLS handshake not done in this long is dropped (Node's default is 120 s). */
  handshakeTimeoutMs: number;
}

/** The TLS gRPC listener for joins, logins, the user and admin APIs. Client certificates are optional here. */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const server = new Server();
  server.addService(JoinServiceService, options.join);
  server.addService(AdminServiceService, options.admin);
  server.addService(LoginServiceService, options.login);
  server.addService(UserServiceService, options.user);
  const provider = new ServingCertificateProvider({
    caPem: options.caPem,
    identity: options.identity,
  });
  const credentials = experimental.createCertificateProviderServerCredentials(
    provider,
    provider,
    false,
  );
  // grpc-js passes these options to http2.createSecureServer and offers no other way to set
  // the handshake timeout: a connection that never finishes its handshake is dropped soon.
  const constructorOptions = credentials._getConstructorOptions();
  credentials._getConstructorOptions = () =>
    constructorOptions && { ...constructorOptions, handshakeTimeout: options.handshakeTimeoutMs };
  const address = formatHostPort(options.listen);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(address, credentials, (error, bound) => {
      if (error) {
        reject(new HubError(HubErrorCode.Listen, `cannot listen on ${address}: ${error.message}`));
      } else {
        resolve(bound);
      }
    });
  });
  return {
    port,
    setCredentials: (credentials) => {
      provider.update(credentials);
    },
    stop: (graceMs) =>
      new Promise((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, graceMs);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
