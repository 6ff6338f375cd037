import { writeFile } from "node:fs/promises";

import { formatDuration } from "@warren/config";
import { createCertificateRequest, generateKeyPair } from "@warren/pki";

import type { Command } from "../../command.js";
import { WarrenctlError, WarrenctlErrorCode } from "../../errors.js";
import { durationFlag, requiredStringFlag, stringFlag } from "../../flag-values.js";
import { timeWithRelative } from "../../output/time.js";
import { kubeconfigYaml } from "./kubeconfig.js";

const USAGE = "warrenctl auth sign --user NAME --format kubernetes --out FILE";

export const authSign: Command = {
  noun: "auth",
  verb: "sign",
  summary: "write a kubeconfig for a user: one context per cluster they may reach",
  flags: {
    user: { type: "string" },
    format: { type: "string" },
    ttl: { type: "string" },
    out: { type: "string", short: "o" },
    cluster: { type: "string" },
  },
  flagHelp: [
    "--user NAME          the user it is for (required)",
    "--format kubernetes  a kubeconfig (the only format so far; required)",
    "--out FILE           where to write it (required; written readable by you only)",
    "--ttl DURATION       certificate lifetime, e.g. 8h (default and cap: the hub's)",
    "--cluster NAME       only this cluster (default: every cluster the roles reach)",
  ],
  async run(context, flags) {
    const user = requiredStringFlag(flags, "user", USAGE);
    if (stringFlag(flags, "format") !== "kubernetes") {
      throw new WarrenctlError(
        WarrenctlErrorCode.InvalidFlag,
        `--format kubernetes is required: ${USAGE}`,
      );
    }
    const out = requiredStringFlag(flags, "out", USAGE);
    // The key is made here, where it is used; the hub only sees a certificate request.
    const keys = await generateKeyPair();
    const hub = await context.hub();
    const signed = await hub.call(hub.admin.signUserCertificate.bind(hub.admin), {
      user,
      csrPem: createCertificateRequest(keys, user),
      ttlMs: durationFlag(flags, "ttl") ?? 0,
      cluster: stringFlag(flags, "cluster") ?? "",
    });
    const yaml = kubeconfigYaml({
      kubeUrl: signed.kubeUrl,
      caPems: signed.caCertificatePems,
      hubName: signed.hubName || "warren",
      kubeServerName: signed.kubeServerName,
      certificatePem: signed.certificatePem,
      privateKeyPem: keys.privateKeyPem,
      clusters: signed.clusters,
    });
    await writeFile(out, yaml, { mode: 0o600 });
    const expires = new Date(signed.expiresAtUnixMs);
    const hubName = signed.hubName || "warren";
    const contexts = signed.clusters.map((c) => `${hubName}-${c}`);
    const lines = [
      `Wrote ${out} for user ${user}: contexts ${contexts.join(", ")}, via ${signed.kubeUrl}.`,
      `The certificate expires ${timeWithRelative(expires, context.now())}.`,
    ];
    if (signed.ttlCapped) {
      const ttl = formatDuration(signed.expiresAtUnixMs - context.now().getTime());
      lines.push(`(The requested --ttl is longer than the hub allows; capped to about ${ttl}.)`);
    }
    lines.push(
      "",
      `Try: kubectl --kubeconfig ${out} get ns`,
      `To merge it into your own: KUBECONFIG=~/.kube/config:${out} kubectl config view --flatten`,
    );
    context.stdout.write(`${lines.join("\n")}\n`);
  },
};
