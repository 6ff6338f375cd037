import { isIP } from "node:net";

import { parseDuration } from "./duration.js";

/**
 * Turns a raw value (a flag or environment string, or whatever YAML held) into a typed one,
 * or throws an Error whose message says what is wrong with it.
 */
export type ValueParser<T> = (raw: unknown) => T;

function text(raw: unknown): string {
  if (typeof raw === "string") return raw;
  if (typeof raw === "number" || typeof raw === "boolean") return String(raw);
  throw new Error(`expected a string, got ${JSON.stringify(raw)}`);
}

export const string: ValueParser<string> = (raw) => {
  const value = text(raw).trim();
  if (value === "") throw new Error("must not be empty");
  return value;
};

export const boolean: ValueParser<boolean> = (raw) => {
  if (typeof raw === "boolean") return raw;
  const value = text(raw).trim().toLowerCase();
  if (["true", "1", "yes"].includes(value)) return true;
  if (["false", "0", "no"].includes(value)) return false;
  throw new Error(`"${value}" is not true or false`);
};

/** Milliseconds, from "30s", "10m", "8h" (or a number of milliseconds in YAML). */
export const durationMs: ValueParser<number> = (raw) =>
  typeof raw === "number" ? raw : parseDuration(text(raw));

export function positiveInteger(max = Number.MAX_SAFE_INTEGER): ValueParser<number> {
  return (raw) => {
    const value = typeof raw === "number" ? raw : Number(text(raw).trim());
    if (!Number.isInteger(value) || value < 1 || value > max) {
      throw new Error(`${JSON.stringify(raw)} is not a whole number from 1 to ${max}`);
    }
    return value;
  };
}

/** "a,b,c" or a YAML list. */
export function list<T>(item: ValueParser<T>): ValueParser<T[]> {
  return (raw) => {
    const items = Array.isArray(raw) ? (raw as unknown[]) : text(raw).split(",");
    return items
      .map((i) => (typeof i === "string" ? i.trim() : i))
      .filter((i) => i !== "")
      .map(item);
  };
}

export function oneOf<const T extends string>(choices: readonly T[]): ValueParser<T> {
  return (raw) => {
    const value = text(raw).trim();
    const match = choices.find((c) => c === value);
    if (match === undefined) throw new Error(`"${value}" is not one of ${choices.join(", ")}`);
    return match;
  };
}

export interface HostPort {
  host: string;
  port: number;
}

/** "host:port" or "[v6]:port"; port 0 means "any free port" where `allowPortZero`. */
export function hostPort(options: { allowPortZero?: boolean; defaultPort?: number } = {}) {
  return (raw: unknown): HostPort => {
    const value = text(raw).trim();
    const match = /^(?:\[([^\]]+)\]|([^:[\]]+))(?::(\d+))?$/.exec(value);
    const host = match?.[1] ?? match?.[2];
    const port = match?.[3] !== undefined ? Number(match[3]) : options.defaultPort;
    const lowest = options.allowPortZero ? 0 : 1;
    if (!host || port === undefined || !Number.isInteger(port) || port < lowest || port > 65535) {
      throw new Error(`"${value}" is not host:port`);
    }
    if (match?.[1] !== undefined && isIP(host) !== 6)
      throw new Error(`"${host}" is not an IPv6 address`);
    return { host, port };
  };
}

export function formatHostPort({ host, port }: HostPort): string {
  return isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
}
