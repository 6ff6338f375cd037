import { list, object, str, stringMap, strings, type Schema } from "./schema-parts.js";

const NAME_PATTERN = "^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$";

export const USER_SPEC: Schema = object(
  "The user's roles.",
  {
    roles: strings("Roles the user holds; each must exist on the hub.", {
      minItems: 1,
      items: { type: "string", pattern: NAME_PATTERN },
    }),
  },
  { required: ["roles"] },
);

export const PROVISION_TOKEN_SPEC: Schema = object(
  "A join rule: who joins (proven by a ServiceAccount token, no secret) and as what.",
  {
    type: str("kube joins agents of cluster_name; admin enrols admin_name (e.g. the operator).", {
      enum: ["kube", "admin"],
    }),
    join_method: str("How joiners prove who they are.", { enum: ["kubernetes"] }),
    cluster_name: str("kube: the one cluster its agents join."),
    labels: stringMap("kube: the cluster's labels when a join creates it."),
    agent_label_keys: strings("kube: label keys agents may set themselves."),
    admin_name: str("admin: the admin name the joiner enrols as."),
    admin_scope: str(
      "admin: resources (users, roles, connectors, provision tokens; the default) or full.",
      { enum: ["resources", "full"] },
    ),
    kubernetes: object(
      "Which ServiceAccount tokens join.",
      {
        type: str(
          "static_jwks: check signatures with the JWKS given; in_cluster: ask the hub's own cluster.",
          { enum: ["static_jwks", "in_cluster"] },
        ),
        static_jwks: object("The joining cluster's keys.", {
          jwks: str("The output of kubectl get --raw /openid/v1/jwks."),
        }),
        allow: list(
          "ServiceAccounts that may join.",
          object(
            "One ServiceAccount.",
            { service_account: str("namespace:name", { pattern: "^[a-z0-9-]+:[a-z0-9.-]+$" }) },
            { required: ["service_account"] },
          ),
          { minItems: 1 },
        ),
      },
      {
        required: ["type", "allow"],
        "x-kubernetes-validations": [
          {
            rule: "self.type != 'static_jwks' || (has(self.static_jwks) && has(self.static_jwks.jwks))",
            message: "type static_jwks needs static_jwks.jwks",
          },
        ],
      },
    ),
  },
  {
    required: ["type", "join_method", "kubernetes"],
    "x-kubernetes-validations": [
      {
        rule: "self.type != 'kube' || has(self.cluster_name)",
        message: "a kube provision token names its cluster_name",
      },
      {
        rule: "self.type != 'admin' || has(self.admin_name)",
        message: "an admin provision token names its admin_name",
      },
    ],
  },
);

const connectorCommon = {
  display: str("The name the login page shows."),
  client_id: str("The OAuth client id."),
  client_secret_file: str("A file on every hub replica holding the client secret."),
  redirect_url: str("Where the provider sends the browser back (default: the hub's web address)."),
};

export const OIDC_CONNECTOR_SPEC: Schema = object(
  "An OpenID Connect login.",
  {
    ...connectorCommon,
    issuer_url: str("The provider's issuer URL (https)."),
    scopes: strings("Scopes to ask for besides openid."),
    username_claim: str("The claim that names the Warren user (default email)."),
    claims_to_roles: list(
      "Claims that grant roles.",
      object(
        "One mapping.",
        {
          claim: str("The claim's name."),
          value: str("Exact, glob or ^regex$."),
          roles: strings("Roles granted."),
        },
        { required: ["claim", "value", "roles"] },
      ),
      { minItems: 1 },
    ),
  },
  { required: ["issuer_url", "client_id", "client_secret_file", "claims_to_roles"] },
);

export const GITHUB_CONNECTOR_SPEC: Schema = object(
  "A GitHub (or GitHub Enterprise) login.",
  {
    ...connectorCommon,
    endpoint_url: str("GitHub's web address (GHE: yours)."),
    api_endpoint_url: str("GitHub's API address (GHE: yours)."),
    teams_to_roles: list(
      "Teams that grant roles.",
      object(
        "One mapping.",
        {
          organization: str("The organisation."),
          team: str("The team's slug."),
          roles: strings("Roles granted."),
        },
        { required: ["organization", "team", "roles"] },
      ),
      { minItems: 1 },
    ),
  },
  { required: ["client_id", "client_secret_file", "teams_to_roles"] },
);
