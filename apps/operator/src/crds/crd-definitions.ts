import { GROUP, VERSION } from "../reconcile/custom-resource.js";
import {
  GITHUB_CONNECTOR_SPEC,
  OIDC_CONNECTOR_SPEC,
  PROVISION_TOKEN_SPEC,
  USER_SPEC,
} from "./other-schemas.js";
import { ROLE_SPEC } from "./role-schema.js";
import { STATUS, type Schema } from "./schema-parts.js";

interface CrdInput {
  kind: string;
  plural: string;
  singular: string;
  shortNames: string[];
  description: string;
  spec: Schema;
}

const INPUTS: CrdInput[] = [
  {
    kind: "WarrenRole",
    plural: "warrenroles",
    singular: "warrenrole",
    shortNames: ["wrole"],
    description: "A Warren role: which clusters, as which Kubernetes users and groups.",
    spec: ROLE_SPEC,
  },
  {
    kind: "WarrenUser",
    plural: "warrenusers",
    singular: "warrenuser",
    shortNames: ["wuser"],
    description: "A Warren user and the roles they hold.",
    spec: USER_SPEC,
  },
  {
    kind: "WarrenProvisionToken",
    plural: "warrenprovisiontokens",
    singular: "warrenprovisiontoken",
    shortNames: ["wtoken"],
    description: "A rule that lets workloads join the hub with a ServiceAccount token.",
    spec: PROVISION_TOKEN_SPEC,
  },
  {
    kind: "WarrenOIDCConnector",
    plural: "warrenoidcconnectors",
    singular: "warrenoidcconnector",
    shortNames: ["woidc"],
    description: "An OpenID Connect login for warren login.",
    spec: OIDC_CONNECTOR_SPEC,
  },
  {
    kind: "WarrenGithubConnector",
    plural: "warrengithubconnectors",
    singular: "warrengithubconnector",
    shortNames: ["wgithub"],
    description: "A GitHub login for warren login.",
    spec: GITHUB_CONNECTOR_SPEC,
  },
];

function crd(input: CrdInput): Schema {
  return {
    apiVersion: "apiextensions.k8s.io/v1",
    kind: "CustomResourceDefinition",
    metadata: { name: `${input.plural}.${GROUP}` },
    spec: {
      group: GROUP,
      names: {
        kind: input.kind,
        listKind: `${input.kind}List`,
        plural: input.plural,
        singular: input.singular,
        shortNames: input.shortNames,
        categories: ["warren"],
      },
      scope: "Namespaced",
      versions: [
        {
          name: VERSION,
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [
            {
              name: "Reconciled",
              type: "string",
              jsonPath: '.status.conditions[?(@.type=="SuccessfullyReconciled")].status',
            },
            {
              name: "Reason",
              type: "string",
              jsonPath: '.status.conditions[?(@.type=="SuccessfullyReconciled")].reason',
            },
            { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp" },
          ],
          schema: {
            openAPIV3Schema: {
              type: "object",
              description: input.description,
              properties: {
                apiVersion: { type: "string" },
                kind: { type: "string" },
                metadata: { type: "object" },
                spec: input.spec,
                status: STATUS,
              },
              required: ["spec"],
            },
          },
        },
      ],
    },
  };
}

/** The CustomResourceDefinitions the charts install, one object each. */
export function crdDocuments(): Schema[] {
  return INPUTS.map(crd);
}
