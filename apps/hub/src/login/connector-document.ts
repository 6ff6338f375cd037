import {
  ConfigError,
  DocumentReader,
  parseYaml,
  readMetadataLabels,
  type YamlFile,
  type YamlPath,
} from "@warren/config";
import { compileValuePattern } from "@warren/rbac";

import { refuse } from "../errors.js";
import { isLoopbackHttp } from "./provider-identity.js";

/** claims_to_roles: a claim whose value (or one of its values) matches gets these roles. */
export interface ClaimMapping {
  claim: string;
  /** Exact, glob (*) or ^regex$, as in role label values. */
  value: string;
  roles: string[];
}

/** teams_to_roles: members of the organisation's team get these roles. */
export interface TeamMapping {
  organization: string;
  team: string;
  roles: string[];
}

interface ConnectorBase {
  name: string;
  display: string;
  clientId: string;
  /** Read by the hub when a login needs it; the secret itself is never stored or shown. */
  clientSecretFile: string;
  /** Where the provider sends the browser back; default the hub's web address. */
  redirectUrl: string | undefined;
  /** metadata.labels; warren.dev/origin says who manages the connector. */
  labels?: Record<string, string>;
}

export interface OidcConnectorSpec extends ConnectorBase {
  kind: "oidc";
  issuerUrl: string;
  scopes: string[];
  /** The claim whose value becomes the Warren user name. */
  usernameClaim: string;
  claimsToRoles: ClaimMapping[];
}

export interface GithubConnectorSpec extends ConnectorBase {
  kind: "github";
  endpointUrl: string;
  apiEndpointUrl: string;
  teamsToRoles: TeamMapping[];
}

export type ConnectorSpec = OidcConnectorSpec | GithubConnectorSpec;
export const CONNECTOR_KINDS = ["oidc", "github"] as const;

const NAME = /^[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$/;
const COMMON = ["display", "client_id", "client_secret_file", "redirect_url"];
const SPEC_FIELDS = {
  oidc: [...COMMON, "issuer_url", "scopes", "username_claim", "claims_to_roles"],
  github: [...COMMON, "endpoint_url", "api_endpoint_url", "teams_to_roles"],
};

class Reader extends DocumentReader {
  override map(path: YamlPath, value: unknown, fields: readonly string[]): Record<string, unknown> {
    return super.map(path, value, fields, true);
  }

  text(path: YamlPath, value: unknown, fallback?: string): string {
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value === "string" && value !== "") return value;
    this.problem(path, fallback === undefined ? "required: a string" : "expected a string");
    return "";
  }

  strings(path: YamlPath, value: unknown): string[] {
    if (Array.isArray(value) && value.every((v) => typeof v === "string" && v !== "")) {
      return value as string[];
    }
    this.problem(path, "expected a list of strings");
    return [];
  }

  url(path: YamlPath, value: unknown, fallback?: string): string {
    const text = this.text(path, value, fallback);
    if (text === "") return text;
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      this.problem(path, `${JSON.stringify(text)} is not a URL`);
      return text;
    }
    // Plain http only to this machine (a provider beside the hub, tests): never over a network.
    if (url.protocol !== "https:" && !isLoopbackHttp(url)) {
      this.problem(
        path,
        `${JSON.stringify(text)} must be https:// (http only to 127.0.0.1 or localhost)`,
      );
    }
    return text;
  }

  list<T>(path: YamlPath, value: unknown, item: (path: YamlPath, value: unknown) => T): T[] {
    if (!Array.isArray(value) || value.length === 0) {
      this.problem(path, "required: a list with at least one mapping to roles");
      return [];
    }
    return value.map((v, i) => item([...path, i], v));
  }
}

function claimMapping(reader: Reader, path: YamlPath, value: unknown): ClaimMapping {
  const record = reader.map(path, value, ["claim", "value", "roles"]);
  const pattern = reader.text([...path, "value"], record.value);
  try {
    compileValuePattern(pattern);
  } catch (error) {
    reader.problem([...path, "value"], (error as Error).message);
  }
  return {
    claim: reader.text([...path, "claim"], record.claim),
    value: pattern,
    roles: reader.strings([...path, "roles"], record.roles),
  };
}

function teamMapping(reader: Reader, path: YamlPath, value: unknown): TeamMapping {
  const record = reader.map(path, value, ["organization", "team", "roles"]);
  return {
    organization: reader.text([...path, "organization"], record.organization),
    team: reader.text([...path, "team"], record.team),
    roles: reader.strings([...path, "roles"], record.roles),
  };
}

function readSpec(
  reader: Reader,
  kind: "oidc" | "github",
  name: string,
  raw: unknown,
): ConnectorSpec {
  const spec = reader.map(["spec"], raw, SPEC_FIELDS[kind]);
  const base: ConnectorBase = {
    name,
    display: typeof spec.display === "string" ? spec.display : name,
    clientId: reader.text(["spec", "client_id"], spec.client_id),
    clientSecretFile: reader.text(["spec", "client_secret_file"], spec.client_secret_file),
    redirectUrl:
      spec.redirect_url === undefined
        ? undefined
        : reader.url(["spec", "redirect_url"], spec.redirect_url),
  };
  if (kind === "github") {
    return {
      ...base,
      kind,
      endpointUrl: reader.url(["spec", "endpoint_url"], spec.endpoint_url, "https://github.com"),
      apiEndpointUrl: reader.url(
        ["spec", "api_endpoint_url"],
        spec.api_endpoint_url,
        "https://api.github.com",
      ),
      teamsToRoles: reader.list(["spec", "teams_to_roles"], spec.teams_to_roles, (p, v) =>
        teamMapping(reader, p, v),
      ),
    };
  }
  const scopes =
    spec.scopes === undefined
      ? ["openid", "email", "profile"]
      : reader.strings(["spec", "scopes"], spec.scopes);
  return {
    ...base,
    kind,
    issuerUrl: reader.url(["spec", "issuer_url"], spec.issuer_url),
    scopes: scopes.includes("openid") ? scopes : ["openid", ...scopes],
    usernameClaim: reader.text(["spec", "username_claim"], spec.username_claim, "email"),
    claimsToRoles: reader.list(["spec", "claims_to_roles"], spec.claims_to_roles, (p, v) =>
      claimMapping(reader, p, v),
    ),
  };
}

/** Reads a connector document (kind: oidc or github); every problem is reported at once. */
export function parseConnectorDocument(text: string): ConnectorSpec {
  let file: YamlFile;
  try {
    file = parseYaml(text, "connector");
  } catch (error) {
    if (error instanceof ConfigError) throw refuse.invalid(error.message);
    throw error;
  }
  const reader = new Reader(file);
  const top = reader.map([], file.values, ["kind", "version", "metadata", "spec"]);
  const kind = CONNECTOR_KINDS.find((k) => k === top.kind);
  if (kind === undefined) reader.problem(["kind"], `must be one of ${CONNECTOR_KINDS.join(", ")}`);
  const metadata = reader.map(["metadata"], top.metadata, ["name", "labels"]);
  const name = typeof metadata.name === "string" ? metadata.name : "";
  if (!NAME.test(name))
    reader.problem(["metadata", "name"], "required: lower-case letters, digits, '.', '_', '-'");
  const labels = readMetadataLabels(metadata.labels);
  if ("problem" in labels) reader.problem(["metadata", "labels"], labels.problem);
  const spec = readSpec(reader, kind ?? "oidc", name, top.spec);
  if ("labels" in labels) spec.labels = labels.labels;
  if (reader.problems.length > 0) {
    throw refuse.invalid(
      ["not a valid connector:", ...reader.problems.map((p) => `  ${p}`)].join("\n"),
    );
  }
  return spec;
}
