import { randomUUID } from "node:crypto";

import { status, type handleUnaryCall } from "@grpc/grpc-js";
import { RefusalReason } from "@warren/hub-client";
import type { AccessQuestion, ReviewAccessRequest, ReviewAccessResponse } from "@warren/proto";

import { Refusal } from "../errors.js";
import { adminHandler, type AdminHandlerDeps } from "../grpc/admin-handler.js";
import { KubeRefusal } from "../kube/kube-refusal.js";
import { openProxyCall, payloadOf, readResponseHead } from "../kube/proxy-call.js";
import type { AgentRegistry, ConnectedAgent } from "../tunnel/agent-registry.js";

const SSAR_PATH = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";
const MAX_QUESTIONS = 64;

export interface AccessReviewAdminDeps extends AdminHandlerDeps {
  registry: AgentRegistry;
}

/** One SelfSubjectAccessReview, made by the agent as the impersonated identity. */
async function review(
  agent: ConnectedAgent,
  request: ReviewAccessRequest,
  question: AccessQuestion,
  signal: AbortSignal,
): Promise<boolean> {
  const call = await openProxyCall(
    {
      requestId: randomUUID(),
      route: { cluster: request.cluster, path: SSAR_PATH },
      agent,
      kubernetesUser: request.kubernetesUser,
      kubernetesGroups: request.kubernetesGroups,
    },
    "POST",
    [{ name: "Content-Type", value: "application/json" }],
    signal,
  );
  const attributes = { ...question, namespace: question.namespace || undefined };
  const body = {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SelfSubjectAccessReview",
    spec: { resourceAttributes: attributes },
  };
  await call.write({
    frame: { $case: "body", value: { data: Buffer.from(JSON.stringify(body)) } },
  });
  call.end();
  const head = await readResponseHead(call, request.cluster);
  const chunks: Uint8Array[] = [];
  for await (const data of payloadOf(call)) chunks.push(data);
  const text = Buffer.concat(chunks).toString("utf8");
  if (head.statusCode !== 201 && head.statusCode !== 200) {
    throw new Refusal(
      status.FAILED_PRECONDITION,
      RefusalReason.NotAllowed,
      `the cluster answered the access review with ${String(head.statusCode)}: ${text.slice(0, 300)}`,
    );
  }
  return (JSON.parse(text) as { status?: { allowed?: boolean } }).status?.allowed === true;
}

export function reviewAccessHandler(
  deps: AccessReviewAdminDeps,
): handleUnaryCall<ReviewAccessRequest, ReviewAccessResponse> {
  return adminHandler(deps, "ReviewAccess", async (call) => {
    const request = call.request;
    const agent = deps.registry.pick(request.cluster);
    if (!agent) {
      throw new Refusal(
        status.UNAVAILABLE,
        RefusalReason.NotFound,
        `cluster "${request.cluster}" has no connected agent`,
      );
    }
    if (request.questions.length > MAX_QUESTIONS || !request.kubernetesUser) {
      throw new Refusal(
        status.INVALID_ARGUMENT,
        RefusalReason.InvalidRequest,
        `give a Kubernetes user and at most ${String(MAX_QUESTIONS)} questions`,
      );
    }
    const allowed: boolean[] = [];
    // The admin leaving ends the agent's requests too.
    const abort = new AbortController();
    const cancelled = () => {
      abort.abort(new KubeRefusal(499, "the admin cancelled the review"));
    };
    call.once("cancelled", cancelled);
    try {
      for (const question of request.questions)
        allowed.push(await review(agent, request, question, abort.signal));
    } catch (error) {
      if (!(error instanceof KubeRefusal)) throw error;
      throw new Refusal(status.UNAVAILABLE, RefusalReason.NotFound, error.message);
    } finally {
      call.off("cancelled", cancelled);
    }
    return { allowed };
  });
}
