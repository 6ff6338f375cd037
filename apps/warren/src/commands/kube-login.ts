import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { delimiter, dirname, join } from "node:path";

import { kubeClusterEntry, kubeEntryName, mergeKubeconfig } from "@warren/kubeconfig";

import type { Command, CommandContext } from "../command.js";
import { invalidFlag, WarrenError, WarrenErrorCode } from "../errors.js";
import { callHub } from "../hub-calls.js";
import type { UserProfile } from "../profile/user-profile.js";
import { HUB_FLAG, HUB_HELP, userSession } from "../user-session.js";

/** The kubeconfig kubectl writes to: the first of $KUBECONFIG, else ~/.kube/config. */
export function kubeconfigPath(env: NodeJS.ProcessEnv): string {
  const first = (env.KUBECONFIG ?? "").split(delimiter).find((p) => p !== "");
  return first ?? join(env.HOME ?? homedir(), ".kube", "config");
}

/** The user entry: kubectl asks this CLI for the certificate each time it needs one. */
function execUser(context: CommandContext, profile: UserProfile, cluster: string) {
  const env =
    context.env.WARREN_HOME === undefined
      ? []
      : [{ name: "WARREN_HOME", value: context.env.WARREN_HOME }];
  return {
    exec: {
      apiVersion: "client.authentication.k8s.io/v1",
      command: context.selfCommand.command,
      args: [
        ...context.selfCommand.args,
        "kube",
        "credentials",
        "--hub",
        profile.hubAddr,
        "--cluster",
        cluster,
      ],
      env,
      interactiveMode: "Never",
      provideClusterInfo: false,
      installHint: "warren is Warren's CLI: install it and run warren login",
    },
  };
}

async function readExisting(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw error;
  }
}

export const kubeLogin: Command = {
  words: ["kube", "login"],
  summary: "add a kubectl context for a cluster (merged into your kubeconfig) and switch to it",
  args: "CLUSTER",
  flags: { ...HUB_FLAG },
  flagHelp: [HUB_HELP],
  async run(context, flags, args) {
    const [cluster] = args;
    if (cluster === undefined)
      throw invalidFlag("which cluster? warren kube login CLUSTER (see warren kube ls)");
    const { profile, client } = await userSession(context, flags);
    try {
      const { clusters } = await callHub(profile.hubAddr, client.listKubeClusters.bind(client), {});
      if (!clusters.some((c) => c.name === cluster)) {
        const yours = clusters.map((c) => c.name);
        throw new WarrenError(
          WarrenErrorCode.Refused,
          `your roles reach no cluster ${JSON.stringify(cluster)} on ${profile.hubName}` +
            (yours.length > 0 ? ` (yours: ${yours.join(", ")})` : ""),
        );
      }
    } finally {
      client.close();
    }
    const name = kubeEntryName(profile.hubName, cluster);
    const path = kubeconfigPath(context.env);
    let merged: string;
    try {
      merged = mergeKubeconfig(await readExisting(path), {
        name,
        cluster: kubeClusterEntry(
          {
            kubeUrl: profile.kubeUrl,
            caPems: [profile.caPem],
            kubeServerName: profile.kubeServerName,
          },
          cluster,
        ),
        user: execUser(context, profile, cluster),
      });
    } catch (error) {
      throw invalidFlag(`cannot add to ${path}: ${(error as Error).message}`);
    }
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const temporary = `${path}.warren-${String(process.pid)}.tmp`;
    await writeFile(temporary, merged, { mode: 0o600 });
    await rename(temporary, path);
    context.stdout.write(
      `Context ${name} is in ${path} and is now current.\nTry: kubectl get pods\n`,
    );
  },
};
