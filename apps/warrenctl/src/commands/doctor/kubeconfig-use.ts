import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, resolve } from "node:path";

import { parse } from "yaml";

import type { Finding } from "./finding.js";
import { KubectlPrints } from "./kubectl-prints.js";

interface RawKubeconfig {
  "current-context"?: string;
  contexts?: { name: string; context?: { cluster?: string; user?: string } }[];
  clusters?: { name: string; cluster?: Record<string, unknown> }[];
  users?: { name: string; user?: Record<string, unknown> }[];
}

/** The cluster entry kubectl would use: where it connects, and whom it trusts there. */
export interface ClusterUse {
  name: string;
  server: string;
  /** undefined: the system's CAs. */
  caPem: string | undefined;
  serverName: string | undefined;
  insecure: boolean;
}

/** The user entry kubectl would use: the credentials it would send. */
export interface UserUse {
  name: string;
  certificatePem?: string;
  keyPem?: string;
  token?: boolean;
  authProvider?: string;
  execCommand?: string;
}

export interface KubeconfigUse {
  context: string;
  cluster: ClusterUse;
  user: UserUse;
}

const text = (value: unknown) => (typeof value === "string" ? value : undefined);
const decode = (b64: string) => Buffer.from(b64, "base64").toString("utf8");

/** An inline `…-data` value, or the file its path names (relative to the kubeconfig). */
async function material(
  entry: Record<string, unknown>,
  key: string,
  base: string,
): Promise<{ pem?: string; unreadable?: string }> {
  const data = text(entry[`${key}-data`]);
  if (data !== undefined) return { pem: decode(data) };
  const path = text(entry[key]);
  if (path === undefined) return {};
  const full = isAbsolute(path) ? path : resolve(base, path);
  try {
    return { pem: await readFile(full, "utf8") };
  } catch {
    return { unreadable: full };
  }
}

function clusterUse(name: string, entry: Record<string, unknown>, caPem?: string): ClusterUse {
  return {
    name,
    server: text(entry.server) ?? "",
    caPem,
    serverName: text(entry["tls-server-name"]),
    insecure: entry["insecure-skip-tls-verify"] === true,
  };
}

type Resolved = { use: KubeconfigUse; findings: Finding[] } | { findings: Finding[] };

/** How a user gets a whole new kubeconfig, as the fixes say it. */
export const RESIGN = "warrenctl auth sign --user NAME --format kubernetes --out FILE";

/** The context kubectl uses, or why it has none: each with what kubectl then prints. */
function contextProblem(config: RawKubeconfig, subject: string): Finding | undefined {
  const current = config["current-context"] ?? "";
  const names = (config.contexts ?? []).map((c) => c.name);
  if (current === "") {
    return {
      subject,
      problem: `it sets no current-context, so kubectl uses none of its ${String(names.length)} context(s)`,
      fix: `kubectl config use-context ${names[0] ?? "CONTEXT"} --kubeconfig FILE`,
      kubectlPrints: KubectlPrints.noContext,
    };
  }
  const context = config.contexts?.find((c) => c.name === current);
  if (!context) {
    return {
      subject,
      problem: `its current-context "${current}" is not one of its contexts (${names.join(", ") || "none"})`,
      fix: `kubectl config use-context ${names[0] ?? "CONTEXT"} --kubeconfig FILE, or get a new kubeconfig: ${RESIGN}`,
      kubectlPrints: KubectlPrints.missingContext(current),
    };
  }
  const cluster = context.context?.cluster ?? "";
  if (!config.clusters?.some((c) => c.name === cluster)) {
    return {
      subject,
      problem: `its context "${current}" names cluster "${cluster}", which it does not have`,
      fix: `get a new kubeconfig: ${RESIGN}`,
      kubectlPrints: KubectlPrints.noContext,
    };
  }
  const user = context.context?.user ?? "";
  if (!config.users?.some((u) => u.name === user)) {
    return {
      subject,
      problem:
        `its context "${current}" names user "${user}", which it does not have (kubectl asks ` +
        "for a user name and password instead)",
      fix: `get a new kubeconfig: ${RESIGN}`,
      kubectlPrints: KubectlPrints.noCredentials,
    };
  }
  return undefined;
}

/**
 * What kubectl would use from this kubeconfig (its current context, as kubectl picks it), or
 * the finding that says why kubectl cannot use it.
 */
export async function resolveKubeconfig(content: string, path: string): Promise<Resolved> {
  const config = (parse(content) ?? {}) as RawKubeconfig;
  const problem = contextProblem(config, `kubeconfig ${path}`);
  if (problem) return { findings: [problem] };
  const current = config["current-context"] ?? "";
  const context = config.contexts?.find((c) => c.name === current)?.context ?? {};
  const clusterName = context.cluster ?? "";
  const userName = context.user ?? "";
  const cluster = config.clusters?.find((c) => c.name === clusterName) ?? { name: clusterName };
  const user = config.users?.find((u) => u.name === userName) ?? { name: userName };
  const base = dirname(path);
  const clusterEntry = cluster.cluster ?? {};
  const ca = await material(clusterEntry, "certificate-authority", base);
  const userEntry = user.user ?? {};
  const [cert, key] = await Promise.all([
    material(userEntry, "client-certificate", base),
    material(userEntry, "client-key", base),
  ]);
  const unreadable = [
    ...(ca.unreadable
      ? [KubectlPrints.unreadable("certificate-authority", ca.unreadable, clusterName)]
      : []),
    ...(cert.unreadable
      ? [KubectlPrints.unreadable("client-cert", cert.unreadable, userName)]
      : []),
    ...(key.unreadable ? [KubectlPrints.unreadable("client-key", key.unreadable, userName)] : []),
  ];
  if (unreadable.length > 0) {
    const [first] = unreadable;
    return {
      findings: [
        {
          subject: `kubeconfig user "${userName}"`,
          problem: `it names a file kubectl cannot read: ${unreadable.map((u) => u.split(" due to")[0]).join("; ")}`,
          fix: `restore the file, or get a new kubeconfig with everything inline: ${RESIGN}`,
          ...(first ? { kubectlPrints: first } : {}),
        },
      ],
    };
  }
  const exec = userEntry.exec as { command?: unknown } | undefined;
  const provider = userEntry["auth-provider"] as { name?: unknown } | undefined;
  return {
    use: {
      context: current,
      cluster: clusterUse(clusterName, clusterEntry, ca.pem),
      user: {
        name: userName,
        ...(cert.pem ? { certificatePem: cert.pem } : {}),
        ...(key.pem ? { keyPem: key.pem } : {}),
        ...(text(userEntry.token) || text(userEntry.tokenFile) ? { token: true } : {}),
        ...(provider ? { authProvider: text(provider.name) ?? "unnamed" } : {}),
        ...(exec ? { execCommand: text(exec.command) ?? "" } : {}),
      },
    },
    findings: [],
  };
}
