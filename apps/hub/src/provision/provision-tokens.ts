import type { HubStore, JoinTokenRecord } from "@warren/store";

import type { Clock } from "../clock.js";
import { refuse } from "../errors.js";
import {
  parseProvisionTokenDocument,
  type ProvisionTokenSpec,
} from "./provision-token-document.js";

const DOCUMENT_KIND = "provision_token";
/** Join records of provision tokens are named so, apart from minted tokens' ids. */
export const PROVISION_TOKEN_ID_PREFIX = "provision/";

export interface StoredProvisionToken {
  spec: ProvisionTokenSpec;
  /** The YAML as applied. */
  document: string;
  updatedAt: Date;
}

/** Checks what the document grants, as minting a token of that type would. */
export type GrantCheck = (spec: ProvisionTokenSpec) => Promise<void>;

/** Provision tokens as the admin (or warren-operator) applied them. */
export class ProvisionTokens {
  constructor(
    private readonly store: HubStore,
    private readonly clock: Clock,
    private readonly checkGrant: GrantCheck,
  ) {}

  /** Creates or replaces; `allowed` refuses what the caller may not grant. */
  async apply(
    document: string,
    allowed: (spec: ProvisionTokenSpec) => void = () => undefined,
  ): Promise<{ token: StoredProvisionToken; created: boolean }> {
    const spec = parseProvisionTokenDocument(document);
    allowed(spec);
    await this.checkGrant(spec);
    const now = this.clock.now();
    const stored = await this.store.documents.put({
      kind: DOCUMENT_KIND,
      name: spec.name,
      body: document,
      expiresAt: undefined,
      updatedAt: now,
    });
    return { token: { spec, document, updatedAt: now }, created: stored.version === 1 };
  }

  async list(): Promise<StoredProvisionToken[]> {
    const documents = await this.store.documents.list(DOCUMENT_KIND, this.clock.now());
    return documents.map((d) => ({
      spec: parseProvisionTokenDocument(d.body),
      document: d.body,
      updatedAt: d.updatedAt,
    }));
  }

  delete(name: string): Promise<boolean> {
    return this.store.documents.delete(DOCUMENT_KIND, name);
  }

  /** The named token, or a refusal that says how to make it. */
  async get(name: string): Promise<StoredProvisionToken> {
    const document = await this.store.documents.get(DOCUMENT_KIND, name, this.clock.now());
    if (!document) {
      throw refuse.unauthenticated(
        `there is no provision token ${JSON.stringify(name)} on this hub: an admin creates it ` +
          "(warrenctl create -f TOKEN.yaml with kind: provision_token, or a WarrenProvisionToken)",
      );
    }
    return {
      spec: parseProvisionTokenDocument(document.body),
      document: document.body,
      updatedAt: document.updatedAt,
    };
  }
}

/**
 * The join record a provision token stands for: it never expires and is never used up (each
 * join proves itself with a fresh ServiceAccount token instead).
 */
export function provisionJoinRecord(token: StoredProvisionToken): JoinTokenRecord {
  const { spec } = token;
  return {
    id: `${PROVISION_TOKEN_ID_PREFIX}${spec.name}`,
    type: spec.type,
    secretHash: "",
    expiresAt: new Date(8.64e15),
    usesTotal: Number.MAX_SAFE_INTEGER,
    usesRemaining: Number.MAX_SAFE_INTEGER,
    labels: spec.clusterLabels,
    clusterName: spec.type === "kube" ? spec.clusterName : undefined,
    agentLabelKeys: spec.agentLabelKeys,
    adminName: spec.type === "admin" ? spec.adminName : undefined,
    createdAt: token.updatedAt,
  };
}
