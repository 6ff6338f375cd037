import { readFile } from "node:fs/promises";

import type { HubStore } from "@warren/store";

import type { Clock } from "../clock.js";
import { refuse } from "../errors.js";
import { parseConnectorDocument, type ConnectorSpec } from "./connector-document.js";
import { GithubProvider } from "./github-provider.js";
import { OidcProvider } from "./oidc-provider.js";
import type { SsoProvider } from "./provider-identity.js";

const CONNECTOR_KIND = "connector";

export interface StoredConnector {
  spec: ConnectorSpec;
  /** The YAML as applied. */
  document: string;
  updatedAt: Date;
}

async function readSecret(spec: ConnectorSpec): Promise<string> {
  try {
    const secret = (await readFile(spec.clientSecretFile, "utf8")).trim();
    if (secret !== "") return secret;
    throw new Error("the file is empty");
  } catch (error) {
    throw refuse.invalid(
      `connector ${spec.name}: the hub cannot read client_secret_file ${spec.clientSecretFile} ` +
        `(${(error as Error).message}): put the client secret there, readable by the hub only, ` +
        "on every hub replica",
    );
  }
}

/** Connectors as the admin applied them, and their providers, built once per version. */
export class ConnectorBook {
  private readonly providers = new Map<string, { version: number; provider: SsoProvider }>();

  constructor(
    private readonly store: HubStore,
    private readonly clock: Clock,
  ) {}

  /** Creates or replaces; refused when invalid or when its secret cannot be read. */
  async apply(document: string): Promise<{ connector: StoredConnector; created: boolean }> {
    const spec = parseConnectorDocument(document);
    await readSecret(spec);
    const now = this.clock.now();
    const stored = await this.store.documents.put({
      kind: CONNECTOR_KIND,
      name: spec.name,
      body: document,
      expiresAt: undefined,
      updatedAt: now,
    });
    return { connector: { spec, document, updatedAt: now }, created: stored.version === 1 };
  }

  async list(): Promise<StoredConnector[]> {
    const documents = await this.store.documents.list(CONNECTOR_KIND, this.clock.now());
    return documents.map((d) => ({
      spec: parseConnectorDocument(d.body),
      document: d.body,
      updatedAt: d.updatedAt,
    }));
  }

  delete(name: string): Promise<boolean> {
    this.providers.delete(name);
    return this.store.documents.delete(CONNECTOR_KIND, name);
  }

  /** The connector and its provider; refused when there is no such connector. */
  async provider(name: string): Promise<{ spec: ConnectorSpec; provider: SsoProvider }> {
    const document = await this.store.documents.get(CONNECTOR_KIND, name, this.clock.now());
    if (!document) {
      const names = (await this.list()).map((c) => c.spec.name);
      throw refuse.notFound(
        `there is no connector ${JSON.stringify(name)} on this hub` +
          (names.length > 0
            ? ` (it has: ${names.join(", ")})`
            : " (it has none: log in with a password)"),
      );
    }
    const spec = parseConnectorDocument(document.body);
    const cached = this.providers.get(name);
    if (cached?.version === document.version) return { spec, provider: cached.provider };
    const secret = await readSecret(spec);
    const provider =
      spec.kind === "oidc" ? new OidcProvider(spec, secret) : new GithubProvider(spec, secret);
    this.providers.set(name, { version: document.version, provider });
    return { spec, provider };
  }
}
