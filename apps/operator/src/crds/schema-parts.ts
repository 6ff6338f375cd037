/** Pieces of structural OpenAPI v3 schemas, so each CRD reads like the YAML it accepts. */
export type Schema = Record<string, unknown>;

export const str = (description: string, extra: Schema = {}): Schema => ({
  type: "string",
  description,
  ...extra,
});

export const strings = (description: string, extra: Schema = {}): Schema => ({
  type: "array",
  description,
  items: { type: "string" },
  ...extra,
});

export const object = (
  description: string,
  properties: Record<string, Schema>,
  extra: Schema = {},
): Schema => ({ type: "object", description, properties, ...extra });

export const stringMap = (description: string): Schema => ({
  type: "object",
  description,
  additionalProperties: { type: "string" },
});

export const list = (description: string, items: Schema, extra: Schema = {}): Schema => ({
  type: "array",
  description,
  items,
  ...extra,
});

/** metav1.Condition, as status.conditions holds them. */
export const STATUS: Schema = object("What the operator last did with this resource.", {
  observedGeneration: { type: "integer", format: "int64" },
  conditions: list(
    "ValidStructure, WarrenResourceOwned and SuccessfullyReconciled.",
    object(
      "One condition.",
      {
        type: str("ValidStructure, WarrenResourceOwned or SuccessfullyReconciled."),
        status: str("True, False or Unknown.", { enum: ["True", "False", "Unknown"] }),
        reason: str("A CamelCase word for why."),
        message: str("What happened, and the hub's words when it refused."),
        lastTransitionTime: str("When status last changed.", { format: "date-time" }),
        observedGeneration: { type: "integer", format: "int64" },
      },
      { required: ["type", "status", "reason", "message", "lastTransitionTime"] },
    ),
    { "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["type"] },
  ),
});
