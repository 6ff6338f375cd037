import { describe, expect, it } from "vitest";

import { rolesFromClaims, rolesFromTeams, traitsFromClaims } from "./claims-to-roles.js";
import { parseConnectorDocument } from "./connector-document.js";

const OIDC = `kind: oidc
metadata: { name: corp }
spec:
  issuer_url: https://idp.example.com
  client_id: warren
  client_secret_file: /etc/warren/secret
  scopes: [email, groups]
  claims_to_roles:
    - { claim: groups, value: "admins", roles: [admin] }
    - { claim: groups, value: "team-*", roles: [dev, viewer] }
`;

describe("connector documents", () => {
  it("reads an OIDC connector with defaults, openid always asked for", () => {
    const spec = parseConnectorDocument(OIDC);
    expect(spec).toMatchObject({
      kind: "oidc",
      name: "corp",
      scopes: ["openid", "email", "groups"],
      usernameClaim: "email",
      redirectUrl: undefined,
    });
  });

  it("names every problem with its line, and refuses plain http beyond this machine", () => {
    const bad = `kind: oidc
metadata: { name: Corp }
spec:
  issuer_url: http://idp.example.com
  client_id: warren
  claims_to_roles: []
  extra: 1
`;
    let message = "";
    try {
      parseConnectorDocument(bad);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("line 2: metadata.name: required");
    expect(message).toContain('line 4: spec.issuer_url: "http://idp.example.com" must be https://');
    expect(message).toContain("spec.client_secret_file: required");
    expect(message).toContain("line 6: spec.claims_to_roles: required: a list");
    expect(message).toContain("line 7: spec.extra: unknown field");
    expect(() =>
      parseConnectorDocument(OIDC.replace("https://idp.example.com", "http://127.0.0.1:5556")),
    ).not.toThrow();
  });

  it("reads a GitHub connector with github.com as the default endpoints", () => {
    const spec = parseConnectorDocument(`kind: github
metadata: { name: gh }
spec:
  client_id: abc
  client_secret_file: /s
  teams_to_roles: [{ organization: acme, team: platform, roles: [dev] }]
`);
    expect(spec).toMatchObject({
      kind: "github",
      endpointUrl: "https://github.com",
      apiEndpointUrl: "https://api.github.com",
    });
  });
});

describe("claims to roles", () => {
  it("maps exact and glob values, each role once; teams by org/slug", () => {
    const spec = parseConnectorDocument(OIDC);
    if (spec.kind !== "oidc") throw new Error("oidc expected");
    const traits = traitsFromClaims({
      groups: ["team-a", "team-b"],
      email_verified: true,
      nested: {},
    });
    expect(traits).toEqual({ groups: ["team-a", "team-b"], email_verified: ["true"] });
    expect(rolesFromClaims(spec.claimsToRoles, traits)).toEqual(["dev", "viewer"]);
    expect(rolesFromClaims(spec.claimsToRoles, { groups: ["admins"] })).toEqual(["admin"]);
    expect(rolesFromClaims(spec.claimsToRoles, {})).toEqual([]);
    const teams = [{ organization: "acme", team: "platform", roles: ["dev"] }];
    expect(rolesFromTeams(teams, ["acme/platform"])).toEqual(["dev"]);
    expect(rolesFromTeams(teams, ["other/platform"])).toEqual([]);
  });
});
