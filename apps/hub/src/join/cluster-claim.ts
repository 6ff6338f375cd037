import { status } from "@grpc/grpc-js";
import { RefusalReason } from "@warren/hub-client";
import { formatLabels, validateClusterName, validateLabels, type Labels } from "@warren/identity";
import type { JoinTokenRecord } from "@warren/store";

import { Refusal, validIdentityInput } from "../errors.js";

/** What an agent may claim with its token: the cluster's name, and its labels if it creates it. */
export interface ClusterClaim {
  clusterName: string;
  /** The labels the cluster gets if this join creates it. */
  labels: Labels;
  /** Only tokens minted for the cluster may add agents to one that exists. */
  mayJoinExisting: boolean;
}

/** Requested names are the caller's; refusals quote at most this much of one. */
const QUOTED_NAME_MAX = 63;
export const quotedName = (name: string) => JSON.stringify(name.slice(0, QUOTED_NAME_MAX));

function checkName(token: JoinTokenRecord, requested: string): string {
  if (token.clusterName !== undefined && requested !== token.clusterName) {
    throw new Refusal(
      status.PERMISSION_DENIED,
      RefusalReason.TokenNameMismatch,
      `join token ${token.id} was minted for cluster "${token.clusterName}", not ` +
        `${quotedName(requested)}: set the agent's cluster name to ${token.clusterName} ` +
        `(helm: --set kubeClusterName=${token.clusterName}), or mint a token for the other ` +
        "cluster with: warrenctl tokens add --type kube --cluster NAME",
    );
  }
  return validIdentityInput(() => validateClusterName(requested));
}

/**
 * The labels a new cluster gets: the token's, plus those the agent asked for under keys the
 * token lets it set. Asking for any other label is refused: the admin's word on labels is
 * final, since roles grant access by them.
 */
function claimedLabels(token: JoinTokenRecord, requested: Labels): Labels {
  const asked = validIdentityInput(() => validateLabels(requested));
  const refused = Object.entries(asked).filter(([key, value]) =>
    token.labels[key] !== undefined
      ? token.labels[key] !== value
      : !token.agentLabelKeys.includes(key),
  );
  if (refused.length > 0) {
    const keys = refused.map(([key]) => key);
    throw new Refusal(
      status.PERMISSION_DENIED,
      RefusalReason.LabelsNotAllowed,
      `join token ${token.id} does not let the agent set ${formatLabels(Object.fromEntries(refused))}` +
        (Object.keys(token.labels).length > 0
          ? ` (the token sets ${formatLabels(token.labels)})`
          : "") +
        `: remove them from the agent (WARREN_LABELS, helm value labels); an admin sets a ` +
        `cluster's labels with warrenctl clusters label, or mints a token with --labels, or ` +
        `--agent-label-keys ${keys.join(",")} to let agents choose them`,
    );
  }
  return { ...asked, ...token.labels };
}

/** What the join may do, or a refusal naming what is wrong and the fix. */
export function claimCluster(
  token: JoinTokenRecord,
  requestedName: string,
  requestedLabels: Labels,
): ClusterClaim {
  return {
    clusterName: checkName(token, requestedName),
    labels: claimedLabels(token, requestedLabels),
    mayJoinExisting: token.clusterName !== undefined,
  };
}

export function clusterExistsRefusal(token: JoinTokenRecord, clusterName: string): Refusal {
  return new Refusal(
    status.ALREADY_EXISTS,
    RefusalReason.ClusterExists,
    `cluster "${clusterName}" exists already, and join token ${token.id} was not minted for ` +
      `it: to add an agent to it, mint one with warrenctl tokens add --type kube --cluster ` +
      `${clusterName}; otherwise choose another cluster name`,
  );
}
