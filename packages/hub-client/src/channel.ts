import { credentials, type ChannelCredentials, type ChannelOptions } from "@grpc/grpc-js";

export interface HubTlsCredentials {
  /** The hub's CA bundle: the only roots the connection trusts. */
  caPem: string;
  /** A client certificate and its key, for calls that need an identity. */
  certificatePem?: string;
  privateKeyPem?: string;
}

export function hubChannelCredentials(tls: HubTlsCredentials): ChannelCredentials {
  const buffer = (text: string | undefined) => (text === undefined ? null : Buffer.from(text));
  return credentials.createSsl(
    Buffer.from(tls.caPem),
    buffer(tls.privateKeyPem),
    buffer(tls.certificatePem),
  );
}

/** Channel options for every client of the hub. */
export const HUB_CHANNEL_OPTIONS: ChannelOptions = {
  // Fail a call promptly when the hub is down rather than queueing it for minutes.
  "grpc.initial_reconnect_backoff_ms": 500,
  "grpc.max_reconnect_backoff_ms": 5000,
};
