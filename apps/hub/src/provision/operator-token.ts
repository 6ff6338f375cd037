import { ORIGIN_LABEL } from "@warren/config";
import type { Logger } from "@warren/log";
import { stringify } from "yaml";

import type { ProvisionTokens } from "./provision-tokens.js";

/** The provision token and admin name of the operator that runs beside the hub. */
export const OPERATOR_TOKEN_NAME = "warren-operator";

/**
 * Keeps the provision token that lets warren-operator, in the hub's own cluster, join as admin
 * warren-operator: checked by a TokenReview (in_cluster), so nothing secret is configured.
 */
export async function ensureOperatorToken(
  tokens: ProvisionTokens,
  serviceAccount: string,
  logger: Logger,
): Promise<void> {
  const document = stringify({
    kind: "provision_token",
    version: "v1",
    metadata: { name: OPERATOR_TOKEN_NAME, labels: { [ORIGIN_LABEL]: "config" } },
    spec: {
      type: "admin",
      admin_name: OPERATOR_TOKEN_NAME,
      join_method: "kubernetes",
      kubernetes: { type: "in_cluster", allow: [{ service_account: serviceAccount }] },
    },
  });
  const { created } = await tokens.apply(document);
  logger.info(
    { provisionToken: OPERATOR_TOKEN_NAME, serviceAccount, created },
    "operator provision token in place",
  );
}
