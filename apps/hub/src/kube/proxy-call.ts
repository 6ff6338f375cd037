import type { HeaderLine } from "@warren/kube";
import {
  proxyMethod,
  type ProxyRequest,
  type ProxyResponse,
  type ResponseHead,
} from "@warren/proto";
import type { GrpcCall } from "@warren/tunnel";

import { KubeRefusal } from "./kube-refusal.js";
import type { AdmittedKubeRequest } from "./kube-admission.js";
import type { KubeRoute } from "./kube-route.js";

export type ProxyCall = GrpcCall<ProxyRequest, ProxyResponse>;

/** Where a request goes and as whom: all a Proxy stream needs. */
export type ProxyTarget = Pick<
  AdmittedKubeRequest,
  "requestId" | "agent" | "kubernetesUser" | "kubernetesGroups"
> & { route: Pick<KubeRoute, "cluster" | "path"> };

/**
 * Opens the agent's Proxy stream and sends the request head; `signal` (the request's one
 * cancellation) cancels the stream whenever it aborts. A request without a body half-closes
 * at once, so the head and the end leave in one packet and the agent sends the request on.
 */
export async function openProxyCall(
  admitted: ProxyTarget,
  method: string,
  headers: readonly HeaderLine[],
  signal: AbortSignal,
  bodyless = false,
): Promise<ProxyCall> {
  let call: ProxyCall;
  signal.throwIfAborted();
  try {
    call = admitted.agent.tunnel.grpc.call(proxyMethod, { signal });
  } catch (error) {
    throw new KubeRefusal(503, `the agent's tunnel closed: ${(error as Error).message}; retry`);
  }
  await call.write({
    frame: {
      $case: "head",
      value: {
        requestId: admitted.requestId,
        method,
        path: admitted.route.path,
        headers: [...headers],
        impersonation: { user: admitted.kubernetesUser, groups: admitted.kubernetesGroups },
      },
    },
  });
  if (bodyless) call.end();
  return call;
}

/**
 * The agent's response head; a call that ends first is a 502 naming why, or the refusal that
 * aborted it (the user's access ended while it waited).
 */
export async function readResponseHead(
  call: ProxyCall,
  cluster: string,
  signal?: AbortSignal,
): Promise<ResponseHead> {
  let first: ProxyResponse | undefined;
  const cancel = () => {
    call.cancel();
  };
  signal?.addEventListener("abort", cancel, { once: true });
  try {
    const next = await call.responses.next();
    first = next.done ? undefined : next.value;
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw new KubeRefusal(
      502,
      `the agent of cluster "${cluster}" failed the request: ${(error as Error).message}`,
    );
  } finally {
    signal?.removeEventListener("abort", cancel);
  }
  if (first?.frame?.$case !== "head") {
    throw new KubeRefusal(
      502,
      `the agent of cluster "${cluster}" answered without a response head`,
    );
  }
  return first.frame.value;
}

/** Frames after the head, as bytes: body chunks or upgraded-connection data. */
export async function* payloadOf(call: ProxyCall): AsyncGenerator<Uint8Array> {
  for await (const response of call) {
    const frame = response.frame;
    if (frame?.$case === "body" || frame?.$case === "upgraded") yield frame.value.data;
  }
}

export function rawHeaders(headers: readonly HeaderLine[]): string[] {
  return headers.flatMap(({ name, value }) => [name, value]);
}
