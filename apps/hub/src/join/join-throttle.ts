import { isIPv6 } from "node:net";

import { status } from "@grpc/grpc-js";
import { RefusalReason } from "@warren/hub-client";

import { Refusal } from "../errors.js";

export interface JoinThrottleOptions {
  /** Failed joins an address may make in a burst. */
  burst: number;
  /** How often one more failure is allowed again, in milliseconds. */
  refillIntervalMs: number;
  /** Addresses remembered at most; the one idle longest is forgotten first. */
  maxAddresses: number;
}

export const DEFAULT_JOIN_THROTTLE: JoinThrottleOptions = {
  burst: 20,
  refillIntervalMs: 3_000,
  maxAddresses: 10_000,
};

interface Bucket {
  tokens: number;
  updatedAtMs: number;
}

/**
 * The address a join came from, as grpc-js reports the peer ("1.2.3.4:5678",
 * "[2001:db8::1]:5678"). IPv6 callers are counted by their /64: one host can use a whole one.
 */
export function peerAddress(peer: string): string {
  const bracketed = /^\[([^\]]+)\]/.exec(peer);
  const host = bracketed?.[1] ?? peer.replace(/:\d+$/, "").replace(/^ipv[46]:/, "");
  if (!isIPv6(host)) return host;
  const groups = host.split("::")[0]?.split(":") ?? [];
  return `${groups.slice(0, 4).join(":")}::/64`;
}

/**
 * Limits failed join attempts per caller address with a token bucket: a guessed or stolen
 * token cannot be tried thousands of times a second, and refusals stay few. Successful joins
 * cost nothing, so a fleet behind one NAT joins freely.
 */
export class JoinThrottle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(private readonly options: JoinThrottleOptions = DEFAULT_JOIN_THROTTLE) {}

  private bucket(address: string, nowMs: number): Bucket {
    const { burst, refillIntervalMs } = this.options;
    const existing = this.buckets.get(address);
    const bucket = existing ?? { tokens: burst, updatedAtMs: nowMs };
    const refilled = Math.floor((nowMs - bucket.updatedAtMs) / refillIntervalMs);
    if (refilled > 0) {
      bucket.tokens = Math.min(burst, bucket.tokens + refilled);
      bucket.updatedAtMs += refilled * refillIntervalMs;
    }
    // Re-inserted so the map's order is least recently used first.
    this.buckets.delete(address);
    this.buckets.set(address, bucket);
    if (this.buckets.size > this.options.maxAddresses) {
      const oldest = this.buckets.keys().next().value;
      if (oldest !== undefined) this.buckets.delete(oldest);
    }
    return bucket;
  }

  /** Refuses the attempt when the address has no failure left to spend. */
  admit(address: string, now: Date): void {
    const bucket = this.bucket(address, now.getTime());
    if (bucket.tokens >= 1) return;
    const waitMs = bucket.updatedAtMs + this.options.refillIntervalMs - now.getTime();
    throw new Refusal(
      status.RESOURCE_EXHAUSTED,
      RefusalReason.Throttled,
      `too many failed joins from ${address} lately: wait ${String(Math.ceil(waitMs / 1000))} s ` +
        "before trying again (the agent retries by itself); if the failures are yours, the " +
        "earlier refusals say why",
    );
  }

  /** Spends one of the address's failures. */
  failed(address: string, now: Date): void {
    const bucket = this.bucket(address, now.getTime());
    bucket.tokens = Math.max(0, bucket.tokens - 1);
  }
}
