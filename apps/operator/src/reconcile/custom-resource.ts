/** The Kubernetes API group and version of Warren's custom resources. */
export const GROUP = "resources.warren.dev";
export const VERSION = "v1";
/** Blocks a CR's deletion until the hub resource is gone (or the annotation keeps it). */
export const FINALIZER = "resources.warren.dev/deletion";
/** "true": deleting the CR leaves the hub resource in place. */
export const KEEP_ANNOTATION = "warren.dev/keep";
/** "true": the operator does not reconcile this CR at all. */
export const IGNORE_ANNOTATION = "warren.dev/ignore";

export interface Condition {
  type: string;
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export interface CustomResource {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    generation?: number;
    resourceVersion?: string;
    /** Typed as client-node's; from the custom objects API it is really the JSON string. */
    deletionTimestamp?: Date;
    finalizers?: string[];
    annotations?: Record<string, string>;
  };
  spec?: Record<string, unknown>;
  status?: { conditions?: Condition[]; observedGeneration?: number };
}

export const annotated = (resource: CustomResource, key: string): boolean =>
  resource.metadata.annotations?.[key] === "true";
