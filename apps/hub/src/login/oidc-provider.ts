import { createRemoteJWKSet, jwtVerify, type JWTPayload } from "jose";
import * as oidc from "openid-client";

import { rolesFromClaims, traitsFromClaims } from "./claims-to-roles.js";
import type { OidcConnectorSpec } from "./connector-document.js";
import {
  isLoopbackHttp,
  type BrowserChecks,
  type ProviderIdentity,
  type SsoProvider,
} from "./provider-identity.js";
import { idTokenProblem, providerUnavailable, ssoFailed } from "./sso-errors.js";

/** An OpenID Connect provider: discovery, the code flow with PKCE, the ID token verified here. */
export class OidcProvider implements SsoProvider {
  private configuration: Promise<oidc.Configuration> | undefined;
  private readonly issuer: URL;

  constructor(
    private readonly spec: OidcConnectorSpec,
    private readonly clientSecret: string,
  ) {
    this.issuer = new URL(spec.issuerUrl);
  }

  private config(): Promise<oidc.Configuration> {
    this.configuration ??= oidc
      .discovery(
        this.issuer,
        this.spec.clientId,
        undefined,
        oidc.ClientSecretBasic(this.clientSecret),
        {
          // Plain http to a provider on this machine only; anywhere else TLS is required.
          // eslint-disable-next-line @typescript-eslint/no-deprecated -- deprecated to stand out, as here
          ...(isLoopbackHttp(this.issuer) ? { execute: [oidc.allowInsecureRequests] } : {}),
          timeout: 10,
        },
      )
      .catch((error: unknown) => {
        // Try discovery again at the next login rather than remembering the failure.
        this.configuration = undefined;
        throw providerUnavailable(this.spec.name, error);
      });
    return this.configuration;
  }

  async authUrl(checks: BrowserChecks): Promise<URL> {
    const config = await this.config();
    return oidc.buildAuthorizationUrl(config, {
      redirect_uri: checks.redirectUrl,
      scope: this.spec.scopes.join(" "),
      code_challenge: await oidc.calculatePKCECodeChallenge(checks.codeVerifier),
      code_challenge_method: "S256",
      state: checks.state,
      nonce: checks.nonce,
    });
  }

  async finish(callback: URL, checks: BrowserChecks): Promise<ProviderIdentity> {
    const config = await this.config();
    const { name, clientId } = { name: this.spec.name, clientId: this.spec.clientId };
    let claims: JWTPayload;
    let userinfo: Record<string, unknown> = {};
    try {
      const tokens = await oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: checks.codeVerifier,
        expectedState: checks.state,
        expectedNonce: checks.nonce,
        idTokenExpected: true,
      });
      claims = await this.verifyIdToken(config, tokens.id_token ?? "");
      if (tokens.access_token && typeof claims.sub === "string") {
        userinfo = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
      }
    } catch (error) {
      const problem = idTokenProblem(error, name, clientId);
      if (problem !== undefined) throw ssoFailed(problem);
      if (
        error instanceof oidc.AuthorizationResponseError ||
        error instanceof oidc.ResponseBodyError
      ) {
        throw ssoFailed(
          `the identity provider refused the login: ${error.error}${error.error_description ? ` (${error.error_description})` : ""}`,
        );
      }
      throw providerUnavailable(name, error);
    }
    // The ID token's claims win: they are signed; userinfo adds what the token left out.
    const traits = traitsFromClaims({ ...userinfo, ...claims });
    const username = traits[this.spec.usernameClaim]?.[0];
    if (username === undefined) {
      throw ssoFailed(
        `the identity provider gave no "${this.spec.usernameClaim}" claim to name the user: ` +
          `ask for its scope, or set username_claim in connector ${name}`,
      );
    }
    return { username, traits, roles: rolesFromClaims(this.spec.claimsToRoles, traits) };
  }

  /**
   * openid-client trusts an ID token from the token endpoint by TLS alone (OIDC Core 3.1.3.7
   * allows it); the hub checks its signature against the issuer's published keys too, so a
   * token endpoint that lies, or a proxy in between, cannot name the user.
   */
  private async verifyIdToken(config: oidc.Configuration, idToken: string): Promise<JWTPayload> {
    const jwksUri = config.serverMetadata().jwks_uri;
    if (jwksUri === undefined) throw new Error("the provider publishes no jwks_uri");
    const { payload } = await jwtVerify(idToken, createRemoteJWKSet(new URL(jwksUri)), {
      issuer: config.serverMetadata().issuer,
      audience: this.spec.clientId,
    });
    return payload;
  }
}
