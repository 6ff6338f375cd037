import { isIP } from "node:net";
import { checkServerIdentity, type PeerCertificate } from "node:tls";

import { credentials, type ChannelCredentials, type ChannelOptions } from "@grpc/grpc-js";

export interface HubTlsCredentials {
  /** The hub's CA bundle: the only roots the connection trusts. */
  caPem: string;
  /** A client certificate and its key, for calls that need an identity. */
  certificatePem?: string;
  privateKeyPem?: string;
}

export interface HubChannel {
  target: string;
  credentials: ChannelCredentials;
  options: ChannelOptions;
}

/** SNI sent when the hub is addressed by IP, where SNI may not carry an address. */
export const HUB_TLS_SERVER_NAME = "warren-hub";

/**
 * Checks the presented certificate names the address dialled, even when grpc-js is told to
 * send another name as SNI. (OpenSSL already refuses certificates not meant for serving, such
 * as the client certificates the same CA issues to agents.)
 */
export function checkHubServerCertificate(host: string, cert: PeerCertificate): Error | undefined {
  return checkServerIdentity(host, cert);
}

function splitHost(hubAddr: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(hubAddr);
  return bracketed?.[1] ?? hubAddr.replace(/:\d+$/, "");
}

/** A gRPC channel to the hub at host:port that trusts only the hub's CA. */
export function hubChannel(hubAddr: string, tls: HubTlsCredentials): HubChannel {
  const host = splitHost(hubAddr);
  const buffer = (text: string | undefined) => (text === undefined ? null : Buffer.from(text));
  const channelCredentials = credentials.createSsl(
    Buffer.from(tls.caPem),
    buffer(tls.privateKeyPem),
    buffer(tls.certificatePem),
    { checkServerIdentity: (_name, cert) => checkHubServerCertificate(host, cert) },
  );
  return {
    target: hubAddr,
    credentials: channelCredentials,
    options: {
      // Fail a call promptly when the hub is down rather than queueing it for minutes.
      "grpc.initial_reconnect_backoff_ms": 500,
      "grpc.max_reconnect_backoff_ms": 5000,
      // grpc-js would send the IP as SNI, which Node deprecates; the name check above still
      // uses the IP.
      ...(isIP(host) !== 0 ? { "grpc.ssl_target_name_override": HUB_TLS_SERVER_NAME } : {}),
    },
  };
}
