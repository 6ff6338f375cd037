import { status } from "@grpc/grpc-js";
import { ORIGIN_KUBERNETES, ORIGIN_LABEL } from "@warren/config";
import { classifyCallFailure } from "@warren/hub-client";
import type { Logger } from "@warren/log";

import type { HubAdmin } from "../hub/hub-admin.js";
import { MERGE_PATCH, statusMessage, type KubeRest } from "../kube/kube-rest.js";
import {
  conditionsDiffer,
  RECONCILED,
  RESOURCE_OWNED,
  setConditions,
  VALID_STRUCTURE,
  type ConditionInput,
} from "./conditions.js";
import {
  annotated,
  FINALIZER,
  GROUP,
  IGNORE_ANNOTATION,
  KEEP_ANNOTATION,
  VERSION,
  type CustomResource,
} from "./custom-resource.js";
import type { ResourceKind } from "./resource-kinds.js";

export interface ReconcilerDeps {
  hub: HubAdmin;
  rest: KubeRest;
  namespace: string;
  logger: Logger;
  now?: () => Date;
}

/** A reconcile that must be tried again later (the hub or the API server failed). */
export class RetryLater extends Error {
  override readonly name = "RetryLater";
}

const owned = (labels: Record<string, string>) => labels[ORIGIN_LABEL] === ORIGIN_KUBERNETES;

/** The hub's words for a failed call, or the error itself when it is not a hub answer. */
function hubFailure(error: unknown): { message: string; invalid: boolean; notFound: boolean } {
  const failure = classifyCallFailure(error);
  if (!failure) throw error;
  return {
    message: failure.details,
    invalid: failure.kind === "refused" && failure.code === status.INVALID_ARGUMENT,
    notFound: failure.kind === "refused" && failure.code === status.NOT_FOUND,
  };
}

const hubError = (message: string): ConditionInput => ({
  type: RECONCILED,
  status: "False",
  reason: "HubError",
  message: `Hub returned the error: ${message}`,
});

/**
 * Brings the hub in line with one custom resource, as Teleport's operator does: the finalizer
 * first, then ownership by the origin label, then create or update (or delete), and every
 * outcome written to status.conditions.
 */
export class Reconciler {
  private readonly now: () => Date;

  constructor(
    private readonly kind: ResourceKind,
    private readonly deps: ReconcilerDeps,
  ) {
    this.now = deps.now ?? (() => new Date());
  }

  private path(name: string, subresource = ""): string {
    const { namespace } = this.deps;
    return `/apis/${GROUP}/${VERSION}/namespaces/${namespace}/${this.kind.plural}/${name}${subresource}`;
  }

  async reconcile(resource: CustomResource): Promise<void> {
    if (annotated(resource, IGNORE_ANNOTATION)) {
      this.deps.logger.debug(
        { kind: this.kind.kind, name: resource.metadata.name },
        `skipped: annotated ${IGNORE_ANNOTATION}`,
      );
      return;
    }
    if (resource.metadata.deletionTimestamp) return this.finalize(resource);
    const finalized = await this.ensureFinalizer(resource);
    const name = finalized.metadata.name;
    let existing;
    try {
      existing = await this.kind.get(this.deps.hub, name);
    } catch (error) {
      throw new RetryLater(
        `reading ${this.kind.noun} ${name} from the hub: ${hubFailure(error).message}`,
        { cause: error },
      );
    }
    if (existing && !owned(existing.labels)) {
      return this.writeStatus(finalized, [
        {
          type: RESOURCE_OWNED,
          status: "False",
          reason: "OriginLabelNotMatching",
          message:
            `A hub ${this.kind.noun} named ${name} exists without the ${ORIGIN_LABEL}=${ORIGIN_KUBERNETES} ` +
            "label: the operator leaves it alone. Delete it on the hub to let the operator manage it.",
        },
      ]);
    }
    const ownership: ConditionInput = existing
      ? {
          type: RESOURCE_OWNED,
          status: "True",
          reason: "OriginLabelMatching",
          message: "Hub resource has the Kubernetes origin label.",
        }
      : {
          type: RESOURCE_OWNED,
          status: "True",
          reason: "NewResource",
          message: `No hub ${this.kind.noun} of this name exists yet: the operator creates it.`,
        };
    if (existing?.spec === this.kind.desired(finalized)) {
      return this.writeStatus(finalized, [ownership, validStructure(), reconciled()]);
    }
    try {
      await this.kind.apply(this.deps.hub, finalized, existing !== undefined);
    } catch (error) {
      const failure = hubFailure(error);
      const structure: ConditionInput = failure.invalid
        ? {
            type: VALID_STRUCTURE,
            status: "False",
            reason: "InvalidSpec",
            message: failure.message,
          }
        : validStructure();
      await this.writeStatus(finalized, [ownership, structure, hubError(failure.message)]);
      throw new RetryLater(`applying ${this.kind.noun} ${name}: ${failure.message}`, {
        cause: error,
      });
    }
    this.deps.logger.info(
      { kind: this.kind.kind, name, created: !existing },
      existing ? "hub resource updated" : "hub resource created",
    );
    await this.writeStatus(finalized, [ownership, validStructure(), reconciled()]);
  }

  private async finalize(resource: CustomResource): Promise<void> {
    if (!resource.metadata.finalizers?.includes(FINALIZER)) return;
    const name = resource.metadata.name;
    if (!annotated(resource, KEEP_ANNOTATION)) {
      try {
        const existing = await this.kind.get(this.deps.hub, name);
        if (existing && owned(existing.labels)) await this.kind.delete(this.deps.hub, name);
      } catch (error) {
        const failure = hubFailure(error);
        if (!failure.notFound) {
          this.deps.logger.warn(
            { kind: this.kind.kind, name, error: failure.message },
            "the hub refused to delete the resource",
          );
          await this.writeStatus(resource, [hubError(failure.message)]);
          throw new RetryLater(`deleting ${this.kind.noun} ${name}: ${failure.message}`, {
            cause: error,
          });
        }
      }
      this.deps.logger.info({ kind: this.kind.kind, name }, "hub resource deleted");
    }
    await this.patch(resource, "", {
      metadata: {
        resourceVersion: resource.metadata.resourceVersion,
        finalizers: resource.metadata.finalizers.filter((f) => f !== FINALIZER),
      },
    });
  }

  private async ensureFinalizer(resource: CustomResource): Promise<CustomResource> {
    const finalizers = resource.metadata.finalizers ?? [];
    if (finalizers.includes(FINALIZER)) return resource;
    return this.patch(resource, "", {
      metadata: {
        resourceVersion: resource.metadata.resourceVersion,
        finalizers: [...finalizers, FINALIZER],
      },
    });
  }

  private async writeStatus(resource: CustomResource, updates: ConditionInput[]): Promise<void> {
    const current = resource.status?.conditions ?? [];
    const next = setConditions(current, updates, resource.metadata.generation, this.now());
    if (!conditionsDiffer(current, next)) return;
    await this.patch(resource, "/status", {
      status: { conditions: next, observedGeneration: resource.metadata.generation },
    });
  }

  private async patch(
    resource: CustomResource,
    subresource: string,
    body: unknown,
  ): Promise<CustomResource> {
    const response = await this.deps.rest.request<CustomResource>(
      "PATCH",
      this.path(resource.metadata.name, subresource),
      body,
      MERGE_PATCH,
    );
    if (response.status === 409 || response.status === 404) {
      // Changed or gone meanwhile: the watch brings the new version, which is reconciled next.
      throw new RetryLater(`${this.kind.kind} ${resource.metadata.name} changed while reconciling`);
    }
    if (response.status >= 300) {
      throw new RetryLater(
        `patching ${this.kind.kind} ${resource.metadata.name}${subresource}: ${statusMessage(response)}`,
      );
    }
    return response.body;
  }
}

const validStructure = (): ConditionInput => ({
  type: VALID_STRUCTURE,
  status: "True",
  reason: "NoError",
  message: "The spec is valid.",
});

const reconciled = (): ConditionInput => ({
  type: RECONCILED,
  status: "True",
  reason: "NoError",
  message: "The hub resource matches the spec.",
});
