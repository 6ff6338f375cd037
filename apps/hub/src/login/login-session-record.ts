import type { HubStore } from "@warren/store";

/** The store's document kind for login sessions; the document's name is the session id. */
export const LOGIN_SESSION_KIND = "login-session";

/** A login: certificates for one key are issued (and renewed) while it lasts. */
export interface LoginSession {
  id: string;
  user: string;
  uid: string;
  /** "password", "invite", or the connector ("oidc/corp"). */
  method: string;
  /** SPKI of the key made on the user's machine; renewals must be for this key. */
  publicKeyPem: string;
  createdAt: Date;
  expiresAt: Date;
  source: string;
  /**
   * A web console login: the SHA-256 of the secret in its cookie. Such a session has no key
   * (publicKeyPem is empty), so no certificate is ever issued or renewed for it.
   */
  webSecretHash?: string;
}

interface SessionJson extends Omit<LoginSession, "createdAt" | "expiresAt"> {
  createdAtMs: number;
  expiresAtMs: number;
}

export const sessionToJson = (session: LoginSession): string => {
  const { createdAt, expiresAt, ...rest } = session;
  const json: SessionJson = {
    ...rest,
    createdAtMs: createdAt.getTime(),
    expiresAtMs: expiresAt.getTime(),
  };
  return JSON.stringify(json);
};

export const sessionFromJson = (body: string): LoginSession => {
  const { createdAtMs, expiresAtMs, ...rest } = JSON.parse(body) as SessionJson;
  return { ...rest, createdAt: new Date(createdAtMs), expiresAt: new Date(expiresAtMs) };
};

/** The session, if it is still open at `now` and belongs to that user. */
export async function openSession(
  store: HubStore,
  id: string,
  user: string,
  now: Date,
): Promise<LoginSession | undefined> {
  const document = await store.documents.get(LOGIN_SESSION_KIND, id, now);
  const session = document && sessionFromJson(document.body);
  return session?.user === user ? session : undefined;
}
