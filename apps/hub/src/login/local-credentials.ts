import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

import { status } from "@grpc/grpc-js";
import { RefusalReason } from "@warren/hub-client";
import type { Logger } from "@warren/log";
import type { DocumentRecord, HubStore } from "@warren/store";

import type { Clock } from "../clock.js";
import { Refusal } from "../errors.js";
import { burnPasswordCheck, hashPassword, verifyPassword } from "./password-hash.js";

const PASSWORD_KIND = "password";
const INVITE_KIND = "invite";
const MIN_PASSWORD_LENGTH = 10;

interface PasswordJson {
  hash: string;
  /** Times of recent wrong passwords (ms), within the lockout window. */
  failuresMs: number[];
  lockedUntilMs?: number;
}

export interface LocalCredentialsOptions {
  store: HubStore;
  clock: Clock;
  logger: Logger;
  /** Wrong passwords within lockoutMs that lock logins. */
  maxFailures: number;
  lockoutMs: number;
  inviteTtlMs: number;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest();

const INVITE_PREFIX = "wri1.";

const badCredentials = (message: string) =>
  new Refusal(status.UNAUTHENTICATED, RefusalReason.BadCredentials, message);

/** Local users' passwords: set once through an invite, checked with a lockout. */
export class LocalCredentials {
  constructor(private readonly options: LocalCredentialsOptions) {}

  /** A new one-time invite (its secret shown once; only a hash is kept). */
  async invite(user: string): Promise<{ secret: string; expiresAt: Date }> {
    const { store, clock, inviteTtlMs } = this.options;
    const now = clock.now();
    // The prefix keeps a secret that starts with "-" from reading as a flag to `warren login`.
    const secret = `${INVITE_PREFIX}${randomBytes(24).toString("base64url")}`;
    const expiresAt = new Date(now.getTime() + inviteTtlMs);
    const body = JSON.stringify({ hash: sha256(secret).toString("hex") });
    await store.documents.put({ kind: INVITE_KIND, name: user, body, expiresAt, updatedAt: now });
    return { secret, expiresAt };
  }

  /** Uses the invite (once) to set the user's password. */
  async acceptInvite(user: string, secret: string, newPassword: string): Promise<void> {
    const { store, clock } = this.options;
    const now = clock.now();
    const invalid = new Refusal(
      status.PERMISSION_DENIED,
      RefusalReason.InvalidInvite,
      `that invite for ${user} is unknown, used or expired: ask an admin for a new one ` +
        `(warrenctl users invite ${user})`,
    );
    const invite = await store.documents.get(INVITE_KIND, user, now);
    if (!invite) throw invalid;
    const expected = Buffer.from((JSON.parse(invite.body) as { hash: string }).hash, "hex");
    if (!timingSafeEqual(sha256(secret), expected)) throw invalid;
    if (newPassword.length < MIN_PASSWORD_LENGTH) {
      throw new Refusal(
        status.INVALID_ARGUMENT,
        RefusalReason.InvalidRequest,
        `the new password is too short: use at least ${String(MIN_PASSWORD_LENGTH)} characters`,
      );
    }
    // Deleting it is what makes it single-use: of two racing acceptances one deletes it.
    if (!(await store.documents.delete(INVITE_KIND, user))) throw invalid;
    const json: PasswordJson = { hash: await hashPassword(newPassword), failuresMs: [] };
    await store.documents.put({
      kind: PASSWORD_KIND,
      name: user,
      body: JSON.stringify(json),
      expiresAt: undefined,
      updatedAt: clock.now(),
    });
    this.options.logger.info({ user }, "password set with an invite");
  }

  /** Who has set a password: one read for a whole listing. */
  async usersWithPassword(): Promise<Set<string>> {
    const documents = await this.options.store.documents.list(
      PASSWORD_KIND,
      this.options.clock.now(),
    );
    return new Set(documents.map((d) => d.name));
  }

  async forget(user: string): Promise<void> {
    await this.options.store.documents.delete(PASSWORD_KIND, user);
    await this.options.store.documents.delete(INVITE_KIND, user);
  }

  /** Checks the password; wrong ones count toward a lockout, which refuses even right ones. */
  async check(user: string, password: string): Promise<void> {
    const now = this.options.clock.now();
    const stored = await this.options.store.documents.get(PASSWORD_KIND, user, now);
    if (!stored) {
      await burnPasswordCheck(password);
      throw badCredentials("wrong user name or password");
    }
    const json = JSON.parse(stored.body) as PasswordJson;
    this.refuseWhileLocked(user, json, now);
    if (await verifyPassword(password, json.hash)) {
      if (json.failuresMs.length > 0) await this.write(stored, { ...json, failuresMs: [] });
      return;
    }
    await this.recordFailure(user, stored);
  }

  private refuseWhileLocked(user: string, json: PasswordJson, now: Date): void {
    if (json.lockedUntilMs === undefined || json.lockedUntilMs <= now.getTime()) return;
    const until = new Date(json.lockedUntilMs).toISOString();
    throw new Refusal(
      status.RESOURCE_EXHAUSTED,
      RefusalReason.LockedOut,
      `too many wrong passwords for ${user}: logins are locked until ${until} ` +
        `(an admin can lift it sooner with warrenctl users invite ${user})`,
    );
  }

  private async recordFailure(user: string, stored: DocumentRecord): Promise<never> {
    const { maxFailures, lockoutMs, clock, logger } = this.options;
    let current = stored;
    for (let attempt = 0; attempt < 5; attempt++) {
      const now = clock.now().getTime();
      const json = JSON.parse(current.body) as PasswordJson;
      const failuresMs = [...json.failuresMs.filter((t) => t > now - lockoutMs), now];
      const locks = failuresMs.length >= maxFailures;
      const next: PasswordJson = locks
        ? { hash: json.hash, failuresMs: [], lockedUntilMs: now + lockoutMs }
        : { ...json, failuresMs };
      if (await this.write(current, next)) {
        logger.warn({ user, failures: failuresMs.length, locked: locks }, "wrong password");
        if (locks) this.refuseWhileLocked(user, next, new Date(now));
        // The same words as for an unknown user: the answer must not tell which names exist.
        throw badCredentials("wrong user name or password");
      }
      const reread = await this.options.store.documents.get(PASSWORD_KIND, user, clock.now());
      if (!reread) break;
      current = reread;
    }
    throw badCredentials("wrong user name or password");
  }

  private async write(stored: DocumentRecord, json: PasswordJson): Promise<boolean> {
    const replaced = await this.options.store.documents.replace(
      { ...stored, body: JSON.stringify(json), updatedAt: this.options.clock.now() },
      stored.version,
    );
    return replaced !== undefined;
  }
}
