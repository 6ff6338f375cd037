import { ORIGIN_KUBERNETES, ORIGIN_LABEL } from "@warren/config";
import { parse, stringify } from "yaml";

import type { HubAdmin } from "../hub/hub-admin.js";
import { canonicalJson } from "./canonical-json.js";
import type { CustomResource } from "./custom-resource.js";

/** A hub resource as the operator compares it: its labels and a canonical form of its spec. */
export interface HubResource {
  labels: Record<string, string>;
  spec: string;
}

/** How one custom resource kind maps onto the hub's admin API. */
export interface ResourceKind {
  /** WarrenRole */
  kind: string;
  /** warrenroles */
  plural: string;
  /** What the hub calls it, for messages: "role". */
  noun: string;
  /** The CR's spec in the same canonical form as HubResource.spec. */
  desired(resource: CustomResource): string;
  get(hub: HubAdmin, name: string): Promise<HubResource | undefined>;
  apply(hub: HubAdmin, resource: CustomResource, exists: boolean): Promise<void>;
  delete(hub: HubAdmin, name: string): Promise<void>;
}

export const ORIGIN_LABELS = { [ORIGIN_LABEL]: ORIGIN_KUBERNETES };

interface DocumentListing {
  name: string;
  document: string;
  labels: Record<string, string>;
}

interface DocumentKindOptions {
  kind: string;
  plural: string;
  noun: string;
  /** The hub document's `kind`. */
  documentKind: string;
  list(hub: HubAdmin): Promise<DocumentListing[]>;
  applyDocument(hub: HubAdmin, document: string): Promise<void>;
  delete(hub: HubAdmin, name: string): Promise<void>;
}

const specOf = (resource: CustomResource) => canonicalJson(resource.spec ?? {});

/** A kind the hub keeps as a YAML document (roles, connectors, provision tokens). */
function documentKind(options: DocumentKindOptions): ResourceKind {
  return {
    kind: options.kind,
    plural: options.plural,
    noun: options.noun,
    desired: specOf,
    async get(hub, name) {
      const found = (await options.list(hub)).find((item) => item.name === name);
      if (!found) return undefined;
      const parsed = parse(found.document) as { spec?: unknown } | null;
      return { labels: found.labels, spec: canonicalJson(parsed?.spec ?? {}) };
    },
    apply(hub, resource) {
      const document = stringify({
        kind: options.documentKind,
        version: "v1",
        metadata: { name: resource.metadata.name, labels: ORIGIN_LABELS },
        spec: resource.spec ?? {},
      });
      return options.applyDocument(hub, document);
    },
    delete: (hub, name) => options.delete(hub, name),
  };
}

const roles = documentKind({
  kind: "WarrenRole",
  plural: "warrenroles",
  noun: "role",
  documentKind: "role",
  list: async (hub) => (await hub.call((c) => c.listRoles.bind(c), {})).roles,
  applyDocument: async (hub, document) => {
    await hub.call((c) => c.applyRole.bind(c), { document });
  },
  delete: async (hub, name) => {
    await hub.call((c) => c.deleteRole.bind(c), { name });
  },
});

const provisionTokens = documentKind({
  kind: "WarrenProvisionToken",
  plural: "warrenprovisiontokens",
  noun: "provision token",
  documentKind: "provision_token",
  list: async (hub) => (await hub.call((c) => c.listProvisionTokens.bind(c), {})).tokens,
  applyDocument: async (hub, document) => {
    await hub.call((c) => c.applyProvisionToken.bind(c), { document });
  },
  delete: async (hub, name) => {
    await hub.call((c) => c.deleteProvisionToken.bind(c), { name });
  },
});

function connectorKind(kind: string, plural: string, connectorKind: "oidc" | "github") {
  return documentKind({
    kind,
    plural,
    noun: `${connectorKind} connector`,
    documentKind: connectorKind,
    list: async (hub) =>
      (await hub.call((c) => c.listConnectors.bind(c), {})).connectors.filter(
        (c) => c.kind === connectorKind,
      ),
    applyDocument: async (hub, document) => {
      await hub.call((c) => c.applyConnector.bind(c), { document });
    },
    delete: async (hub, name) => {
      await hub.call((c) => c.deleteConnector.bind(c), { name });
    },
  });
}

/** Users: the operator manages their roles; they log in by invite or SSO as any local user. */
const users: ResourceKind = {
  kind: "WarrenUser",
  plural: "warrenusers",
  noun: "user",
  desired: (resource) => canonicalJson({ roles: rolesOf(resource) }),
  async get(hub, name) {
    const { users: list } = await hub.call((c) => c.listUsers.bind(c), {});
    const found = list.find((user) => user.name === name);
    if (!found) return undefined;
    return { labels: found.labels, spec: canonicalJson({ roles: [...found.roles].sort() }) };
  },
  async apply(hub, resource, exists) {
    const name = resource.metadata.name;
    const roles = rolesOf(resource);
    if (exists) await hub.call((c) => c.updateUser.bind(c), { name, roles });
    else {
      await hub.call((c) => c.createUser.bind(c), {
        name,
        roles,
        labels: ORIGIN_LABELS,
        withoutInvite: true,
      });
    }
  },
  async delete(hub, name) {
    await hub.call((c) => c.deleteUser.bind(c), { name });
  },
};

function rolesOf(resource: CustomResource): string[] {
  const roles = resource.spec?.roles;
  const list = Array.isArray(roles) ? roles.filter((r): r is string => typeof r === "string") : [];
  return [...new Set(list)].sort();
}

/** Every kind the operator reconciles. */
export const RESOURCE_KINDS: readonly ResourceKind[] = [
  roles,
  users,
  provisionTokens,
  connectorKind("WarrenOIDCConnector", "warrenoidcconnectors", "oidc"),
  connectorKind("WarrenGithubConnector", "warrengithubconnectors", "github"),
];
