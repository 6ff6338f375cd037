import type { TokenReviewer } from "./service-account-token.js";

/**
 * TokenReviews against the cluster the hub runs in (its ServiceAccount, or $KUBECONFIG):
 * for `type: in_cluster` provision tokens. The hub's ServiceAccount needs
 * `create tokenreviews` (the hub chart binds system:auth-delegator when the operator is on).
 */
export function clusterTokenReviewer(): TokenReviewer {
  return async (token, audience) => {
    // Loaded on first use: most hubs never review a token.
    const { AuthenticationV1Api, KubeConfig } = await import("@kubernetes/client-node");
    const config = new KubeConfig();
    try {
      config.loadFromDefault();
    } catch (error) {
      return {
        authenticated: false,
        username: "",
        error: `no cluster to ask: ${(error as Error).message}`,
      };
    }
    try {
      const review = await config.makeApiClient(AuthenticationV1Api).createTokenReview({
        body: { spec: { token, audiences: [audience] } },
      });
      return {
        authenticated: review.status?.authenticated === true,
        username: review.status?.user?.username ?? "",
        error: review.status?.error ?? "",
      };
    } catch (error) {
      return {
        authenticated: false,
        username: "",
        error: `the hub's cluster refused its TokenReview: ${(error as Error).message}`,
      };
    }
  };
}
