import type { KubeConfig } from "@kubernetes/client-node";
import { ApiException, CoreV1Api, type V1Secret } from "@kubernetes/client-node";

import { AgentError, AgentErrorCode } from "../errors.js";
import { decodeState, encodeState, type AgentState, type VersionedState } from "./agent-state.js";
import type { SaveOutcome, StateStore } from "./state-store.js";

const HTTP_FORBIDDEN = 403;
const HTTP_NOT_FOUND = 404;
const HTTP_CONFLICT = 409;

export interface SecretStateStoreOptions {
  kubeConfig: KubeConfig;
  namespace: string;
  podName: string;
}

const statusOf = (error: unknown) => (error instanceof ApiException ? error.code : undefined);

/** The identity in the Secret <POD_NAME>-state, written with resourceVersion preconditions. */
export class SecretStateStore implements StateStore {
  readonly description: string;
  readonly resetInstructions: string;
  private readonly core: CoreV1Api;
  private readonly name: string;

  constructor(private readonly options: SecretStateStoreOptions) {
    this.name = `${options.podName}-state`;
    this.core = options.kubeConfig.makeApiClient(CoreV1Api);
    this.description = `Secret ${options.namespace}/${this.name}`;
    this.resetInstructions =
      `kubectl delete secret -n ${options.namespace} ${this.name}, then restart the agent ` +
      `(kubectl delete pod -n ${options.namespace} ${options.podName})`;
  }

  private failure(verb: string, error: unknown): AgentError {
    if (statusOf(error) === HTTP_FORBIDDEN) {
      return new AgentError(
        AgentErrorCode.StateForbidden,
        `the agent may not ${verb} secrets in namespace ${this.options.namespace}: grant its ` +
          "ServiceAccount create, get, update and patch on secrets there (the Helm chart's Role does)",
        { cause: error },
      );
    }
    return new AgentError(
      AgentErrorCode.StateUnavailable,
      `cannot ${verb} ${this.description}: ${(error as Error).message}`,
      { cause: error },
    );
  }

  async load(): Promise<VersionedState | undefined> {
    let secret: V1Secret;
    try {
      secret = await this.core.readNamespacedSecret({
        name: this.name,
        namespace: this.options.namespace,
      });
    } catch (error) {
      if (statusOf(error) === HTTP_NOT_FOUND) return undefined;
      throw this.failure("get", error);
    }
    const data = Object.fromEntries(
      Object.entries(secret.data ?? {}).map(([key, value]) => [
        key,
        Buffer.from(value, "base64").toString("utf8"),
      ]),
    );
    return {
      state: decodeState(data, this.description),
      version: secret.metadata?.resourceVersion ?? "",
    };
  }

  private body(state: AgentState, resourceVersion: string | undefined): V1Secret {
    return {
      apiVersion: "v1",
      kind: "Secret",
      type: "Opaque",
      metadata: {
        name: this.name,
        namespace: this.options.namespace,
        resourceVersion,
        labels: {
          "app.kubernetes.io/name": "warren-agent",
          "app.kubernetes.io/managed-by": "warren-agent",
          "warren.dev/agent-id": state.agentId,
        },
      },
      data: Object.fromEntries(
        Object.entries(encodeState(state)).map(([key, value]) => [
          key,
          Buffer.from(value).toString("base64"),
        ]),
      ),
    };
  }

  async save(state: AgentState, expectedVersion: string | undefined): Promise<SaveOutcome> {
    const namespace = this.options.namespace;
    try {
      const written =
        expectedVersion === undefined
          ? await this.core.createNamespacedSecret({ namespace, body: this.body(state, undefined) })
          : await this.core.replaceNamespacedSecret({
              name: this.name,
              namespace,
              body: this.body(state, expectedVersion),
            });
      return { saved: true, version: written.metadata?.resourceVersion ?? "" };
    } catch (error) {
      // 409: created or changed by someone else since we looked. 404: deleted since we looked.
      if (statusOf(error) === HTTP_CONFLICT || statusOf(error) === HTTP_NOT_FOUND) {
        return { saved: false, current: await this.load() };
      }
      throw this.failure(expectedVersion === undefined ? "create" : "update", error);
    }
  }
}
