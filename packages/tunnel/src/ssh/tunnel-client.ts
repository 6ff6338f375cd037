import { once } from "node:events";
import { connect } from "node:net";
import type { Duplex } from "node:stream";

import ssh2, { type PublicKeyAuthMethod } from "ssh2";

import { coalesceWrites } from "./coalesced-writes.js";
import { TunnelError, TunnelErrorCode } from "../errors.js";
import { hostKeyAlgorithmsFor, TUNNEL_ALGORITHMS } from "./ssh-algorithms.js";
import { sshSigningKey } from "./ssh-keys.js";
import { sshKeyType } from "./ssh-wire.js";

export interface TunnelClientOptions {
  host: string;
  port: number;
  /** The agent id: the hub looks up the agent's certificate by it. */
  username: string;
  /** The agent's key (PEM), the one its certificate certifies. */
  privateKeyPem: string;
  /**
   * SSH wire forms of the host keys to accept, the keys the hub's CA certified: only their
   * algorithms are offered.
   */
  expectedHostKeys: Buffer[];
  /**
   * Each channel the hub opens: one gRPC connection for the agent to serve. With it, the type
   * of the host key the hub was accepted with ("ssh-ed25519", "ssh-rsa"…), for the log.
   */
  onChannel(channel: Duplex, hostKeyType: string): void;
  /** How often to send SSH keepalives, in milliseconds. Default 5000. */
  keepaliveIntervalMs?: number;
  /** Unanswered keepalives for this long, in milliseconds, and the tunnel closes. Default 15000. */
  keepaliveTimeoutMs?: number;
  /**
   * The SSH handshake must finish within this, in milliseconds. Default 30000: after a hub
   * restart the whole fleet redials at once, and giving up on a busy hub only repeats the work.
   */
  readyTimeoutMs?: number;
  /** Aborting it ends the connection, whether still opening or up. */
  signal?: AbortSignal;
  /**
   * Called with the server's banner, before this side authenticates: false ends the
   * connection there (openTunnel rejects with Declined), so the hub never registers it.
   */
  acceptBanner?: (banner: string) => boolean;
}

export interface TunnelConnection {
  /** What the server said before authentication (a hub replica names itself), if anything. */
  banner: string | undefined;
  /** Resolves with the reason once the tunnel is gone. */
  closed: Promise<string>;
  close(): void;
}

interface SshError extends Error {
  level?: string;
}

function connectionError(error: SshError, hostKeyRejected: boolean, address: string): TunnelError {
  if (hostKeyRejected) {
    return new TunnelError(
      TunnelErrorCode.HostKeyMismatch,
      `the SSH server at ${address} presents a host key the hub's CA did not certify`,
    );
  }
  if (error.level === "client-authentication") {
    return new TunnelError(
      TunnelErrorCode.AuthRejected,
      `the hub at ${address} refused this agent's identity on the tunnel`,
    );
  }
  return new TunnelError(
    TunnelErrorCode.Unreachable,
    `cannot open the tunnel to ${address}: ${error.message}`,
    undefined,
    {},
    {
      cause: error,
    },
  );
}

/**
 * The agent's end: an SSH connection to the hub that asks for a reverse forward, so the hub
 * can open channels to the agent through a connection the agent dialled.
 */
export async function openTunnel(options: TunnelClientOptions): Promise<TunnelConnection> {
  const address = `${options.host}:${options.port}`;
  const client = new ssh2.Client();
  let hostKeyRejected = false;
  let hostKeyType = "";
  let lastError: SshError | undefined;
  client.on("tcp connection", (_info, accept) => {
    options.onChannel(coalesceWrites(accept()), hostKeyType);
  });
  client.on("error", (error: SshError) => {
    lastError = error;
  });
  let banner: string | undefined;
  // An object: TypeScript's flow analysis does not see the callback setting a plain let.
  const refusal = { declined: false };
  client.on("banner", (message: string) => {
    banner = message.trim();
    // The hub needs our signed request, two round trips after this, before it authenticates.
    if (options.acceptBanner && !options.acceptBanner(banner)) {
      refusal.declined = true;
      client.end();
    }
  });
  const end = () => {
    client.end();
  };
  options.signal?.addEventListener("abort", end, { once: true });
  client.once("close", () => options.signal?.removeEventListener("abort", end));
  if (options.signal?.aborted) queueMicrotask(end);
  const interval = options.keepaliveIntervalMs ?? 5000;
  // As an auth method: ssh2 takes only PEM as privateKey, and would parse it per signature.
  const publicKeyAuth: PublicKeyAuthMethod = {
    type: "publickey",
    username: options.username,
    key: sshSigningKey(options.privateKeyPem),
  };
  client.connect({
    // Our own socket, so Nagle is off from the first byte (see the design notes).
    sock: connect({ host: options.host, port: options.port, noDelay: true }),
    username: options.username,
    authHandler: [publicKeyAuth],
    hostVerifier: (key: Buffer) => {
      hostKeyRejected = !options.expectedHostKeys.some((expected) => key.equals(expected));
      hostKeyType = sshKeyType(key);
      return !hostKeyRejected;
    },
    keepaliveInterval: interval,
    keepaliveCountMax: Math.max(1, Math.ceil((options.keepaliveTimeoutMs ?? 15_000) / interval)),
    readyTimeout: options.readyTimeoutMs ?? 30_000,
    algorithms: {
      ...TUNNEL_ALGORITHMS,
      serverHostKey: hostKeyAlgorithmsFor(options.expectedHostKeys),
    },
  });
  // Not events.once: it rejects on 'error', and a tunnel that ends in an error still just ends.
  const closed = new Promise<string>((resolve) => {
    client.once("close", () => {
      resolve(lastError?.message ?? "the hub closed the tunnel");
    });
  });
  try {
    await Promise.race([
      once(client, "ready"),
      closed.then(() => Promise.reject(lastError ?? new Error("closed"))),
    ]);
    await new Promise<void>((resolve, reject) => {
      client.forwardIn("warren-agent", 0, (error) => {
        if (error) reject(error);
        else resolve();
      });
    });
  } catch (error) {
    client.end();
    if (refusal.declined) {
      throw new TunnelError(TunnelErrorCode.Declined, `declined ${address}: ${banner ?? ""}`);
    }
    throw connectionError(error as SshError, hostKeyRejected, address);
  }
  return { banner, closed, close: end };
}
