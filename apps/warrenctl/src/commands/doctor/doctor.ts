import { caPin } from "@warren/pki";
import type { ClusterInfo } from "@warren/proto";

import type { Command, FlagValues } from "../../command.js";
import type { HubConnection } from "../../hub-connection.js";
import { WarrenctlError, WarrenctlErrorCode } from "../../errors.js";
import { readInputFile } from "../../input-file.js";
import { FORMAT_FLAG, FORMAT_HELP, formatOf, json } from "../../output/format.js";
import { clusterFindings } from "./cluster-findings.js";
import { execRbacFindings } from "./exec-rbac-findings.js";
import { formatFindings, type Finding } from "./finding.js";
import { kubeconfigFindings } from "./kubeconfig-findings.js";
import { resolveKubeconfig } from "./kubeconfig-use.js";
import { joinRefusalFindings } from "./join-refusal-findings.js";
import { systemMastersFindings } from "./system-masters-findings.js";

const namespaceOf = (flags: FlagValues) =>
  typeof flags.namespace === "string" && flags.namespace !== "" ? flags.namespace : "default";

/** The clusters in scope with health checked just now, the others as last reported. */
async function checkedNow(
  hub: HubConnection,
  clusters: readonly ClusterInfo[],
  only: string | undefined,
): Promise<ClusterInfo[]> {
  const check = hub.admin.checkClusterHealth.bind(hub.admin);
  return Promise.all(
    clusters.map(async (cluster) =>
      (only === undefined || cluster.name === only) && cluster.agents.some((a) => a.connected)
        ? ((await hub.call(check, { cluster: cluster.name })).cluster ?? cluster)
        : cluster,
    ),
  );
}

const connectedClusters = (clusters: readonly ClusterInfo[]) =>
  new Set(clusters.filter((c) => c.agents.some((a) => a.connected)).map((c) => c.name));

/**
 * `warrenctl doctor [CLUSTER] [--kubeconfig FILE]`: the checks a person would run by hand,
 * and for each problem the exact fix. Exits 1 when it finds any, so scripts can use it.
 */
export const doctor: Command = {
  noun: "doctor",
  verb: "",
  summary: "find what is wrong with clusters (or a kubeconfig) and say how to fix it",
  args: "[CLUSTER]",
  flags: { kubeconfig: { type: "string" }, namespace: { type: "string" }, ...FORMAT_FLAG },
  flagHelp: [
    "--kubeconfig FILE    also check a user's kubeconfig (its current context) against this hub,",
    "                     each finding with what kubectl prints for it",
    "--namespace NS       where to check roles' RBAC, e.g. exec (default: default)",
    FORMAT_HELP,
  ],
  async run(context, flags, args) {
    const [only] = args;
    const hub = await context.hub();
    const listed = await hub.call(hub.admin.listClusters.bind(hub.admin), {});
    const clusters = await checkedNow(hub, listed.clusters, only);
    const { refusals } = await hub.call(hub.admin.listJoinRefusals.bind(hub.admin), {});
    const known = (name: string) =>
      clusters.some((c) => c.name === name) || refusals.some((r) => r.clusterName === name);
    if (only !== undefined && !known(only)) {
      throw new WarrenctlError(
        WarrenctlErrorCode.InvalidFlag,
        `there is no cluster "${only}" on this hub (warrenctl clusters ls lists them)`,
      );
    }
    const inScope = clusters.filter((c) => only === undefined || c.name === only);
    const { roles } = await hub.call(hub.admin.listRoles.bind(hub.admin), {});
    const info = await hub.call(hub.admin.getHubInfo.bind(hub.admin), {});
    const connected = connectedClusters(clusters);
    const findings: Finding[] = [
      ...clusterFindings(inScope),
      ...systemMastersFindings(inScope, roles),
      ...joinRefusalFindings(refusals, connected, only, context.now(), caPin(info.caPem)),
      ...(await execRbacFindings(hub, inScope, roles, namespaceOf(flags))),
    ];
    const path = typeof flags.kubeconfig === "string" ? flags.kubeconfig : undefined;
    if (path !== undefined) {
      const resolved = await resolveKubeconfig(await readInputFile(path), path);
      findings.push(...resolved.findings);
      if ("use" in resolved) {
        const { users } = await hub.call(hub.admin.listUsers.bind(hub.admin), {});
        const facts = { ...info, users, clusterNames: clusters.map((c) => c.name) };
        findings.push(...kubeconfigFindings(resolved.use, facts, context.now()));
      }
    }
    const checked = [
      only === undefined ? `${String(clusters.length)} cluster(s)` : `cluster "${only}"`,
      ...(path === undefined ? [] : [path]),
    ].join(" and ");
    context.stdout.write(
      formatOf(flags) === "json" ? json(findings) : formatFindings(findings, checked),
    );
    if (findings.length > 0) {
      throw new WarrenctlError(
        WarrenctlErrorCode.ProblemsFound,
        `doctor found ${String(findings.length)} problem(s)`,
      );
    }
  },
};
