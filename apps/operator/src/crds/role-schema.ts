import { RESOURCE_VERBS } from "@warren/rbac";

import { list, object, str, strings, type Schema } from "./schema-parts.js";

const conditions = (side: string): Schema =>
  object(`What the role ${side}.`, {
    kubernetes_labels: {
      type: "object",
      description:
        "Cluster labels to match: each value a string or a list (exact, glob with *, or ^regex$).",
      additionalProperties: { "x-kubernetes-preserve-unknown-fields": true },
    },
    kubernetes_labels_expression: str(
      'A label expression, e.g. labels["env"] == "prod" && labels["team"] in ["a", "b"].',
    ),
    kubernetes_groups: strings("Kubernetes groups to impersonate (traits allowed)."),
    kubernetes_users: strings("Kubernetes users to impersonate (traits allowed)."),
    kubernetes_resources: list(
      "Only these resources; empty means every resource (the cluster's RBAC decides).",
      object(
        "One resource rule.",
        {
          kind: str('A resource kind such as pods, or "*".'),
          api_group: str('The API group; "" for core, "*" for any.'),
          namespace: str('A namespace, a glob, or "*".'),
          name: str('An object name, a glob, or "*".'),
          verbs: list("Allowed verbs.", { type: "string", enum: [...RESOURCE_VERBS] }),
        },
        { required: ["kind"] },
      ),
    ),
  });

/** spec of WarrenRole: the role document's spec, field for field. */
export const ROLE_SPEC: Schema = object(
  "The role's spec, as in a role document for warrenctl create -f.",
  {
    allow: conditions("allows"),
    deny: conditions("denies (deny wins)"),
    options: object("Session options.", {
      max_session_ttl: str("The longest a login with this role lasts, e.g. 8h.", {
        pattern: "^[0-9]+(ms|s|m|h|d)$",
      }),
      record_sessions: {
        type: "boolean",
        description:
          "false: exec and attach sessions this role grants are not recorded (another role " +
          "granting the same session that records wins).",
      },
      console_admin: {
        type: "boolean",
        description:
          "true: the web console shows users of this role the admin pages (agents, audit log, " +
          "live sessions, recordings).",
      },
    }),
  },
);
