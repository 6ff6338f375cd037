import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

import { exportJWK, generateKeyPair, decodeJwt, SignJWT, type JWTPayload } from "jose";

type KeyLike = Parameters<SignJWT["sign"]>[0];
import Provider, { type Configuration, type KoaContextWithOIDC } from "oidc-provider";

/** How the provider's token endpoint misbehaves: a compromised or misconfigured provider. */
export type IdTokenTamper = "none" | "other-audience" | "expired" | "unknown-key";

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** What the next ID tokens look like. */
  tamper: IdTokenTamper;
  close(): Promise<void>;
}

export interface TestOidcAccount {
  email: string;
  groups: string[];
}

/**
 * panva's oidc-provider, in this process on 127.0.0.1 with a free port: discovery, the code
 * flow with PKCE, its own login form (devInteractions: any password is accepted; the login
 * names the account), and consent granted up front as a company IdP does for its own apps.
 */
export async function startOidcProvider(options: {
  redirectUris: string[];
  accounts: Record<string, TestOidcAccount>;
}): Promise<TestOidcProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`;
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const signingKey = {
    ...(await exportJWK(privateKey)),
    kid: "provider-key",
    alg: "RS256",
    use: "sig",
  };
  const clientId = "warren-hub";
  const clientSecret = "test-client-secret-0123456789";
  const configuration: Configuration = {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    jwks: { keys: [signingKey] },
    cookies: { keys: ["test-cookie-key-0123456789"] },
    claims: { openid: ["sub"], email: ["email"], groups: ["groups"], profile: ["name"] },
    // Claims go in the ID token too, as most company providers put groups there.
    conformIdTokenClaims: false,
    findAccount: (_ctx, id) => {
      const account = options.accounts[id];
      if (account === undefined) return undefined;
      return {
        accountId: id,
        claims: () => ({ sub: id, email: account.email, groups: account.groups, name: id }),
      };
    },
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const accountId = ctx.oidc.session?.accountId;
      const client = ctx.oidc.client;
      if (accountId === undefined || client === undefined) return undefined;
      const grant = new ctx.oidc.provider.Grant({ accountId, clientId: client.clientId });
      grant.addOIDCScope("openid email profile groups");
      grant.addOIDCClaims(["email", "groups", "name"]);
      await grant.save();
      return grant;
    },
  };
  const provider = new Provider(issuer, configuration);
  const result: TestOidcProvider = {
    issuer,
    clientId,
    clientSecret,
    tamper: "none",
    close: () => Promise.resolve(),
  };
  const otherKey = (await generateKeyPair("RS256")).privateKey;
  provider.use(async (ctx, next) => {
    await next();
    const body = ctx.body as { id_token?: string } | undefined;
    if (ctx.path !== "/token" || result.tamper === "none" || typeof body?.id_token !== "string")
      return;
    const claims: JWTPayload = decodeJwt(body.id_token);
    const now = Math.floor(Date.now() / 1000);
    const resign = (payload: JWTPayload, key: KeyLike, kid: string) =>
      new SignJWT(payload).setProtectedHeader({ alg: "RS256", kid }).sign(key);
    if (result.tamper === "other-audience") {
      body.id_token = await resign(
        { ...claims, aud: "some-other-app" },
        privateKey,
        "provider-key",
      );
    } else if (result.tamper === "expired") {
      body.id_token = await resign(
        { ...claims, iat: now - 7200, exp: now - 3600 },
        privateKey,
        "provider-key",
      );
    } else {
      body.id_token = await resign(claims, otherKey, "not-a-provider-key");
    }
  });
  const callback = provider.callback();
  server.on("request", (request: IncomingMessage, response: ServerResponse) => {
    void callback(request, response);
  });
  result.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => {
        resolve();
      });
    });
  return result;
}
