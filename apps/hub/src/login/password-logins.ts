import { status } from "@grpc/grpc-js";
import { RefusalReason } from "@warren/hub-client";
import type { HubStore, UserRecord } from "@warren/store";

import { logsInWithPassword } from "../admin/user-origin.js";
import type { Clock } from "../clock.js";
import { Refusal } from "../errors.js";
import { JoinThrottle } from "../join/join-throttle.js";
import type { LocalCredentials } from "./local-credentials.js";

/** Wrong passwords and invites per address: each costs the hub a slow hash. */
const FAILED_LOGIN_THROTTLE = { burst: 20, refillIntervalMs: 3_000, maxAddresses: 10_000 };

export const badCredentials = () =>
  new Refusal(status.UNAUTHENTICATED, RefusalReason.BadCredentials, "wrong user name or password");

/**
 * Local users' password checks, for the CLI and the console alike: one budget of failures per
 * address across both, so the console is no second door for guessing.
 */
export class PasswordLogins {
  private readonly failures = new JoinThrottle(FAILED_LOGIN_THROTTLE);

  constructor(
    private readonly store: HubStore,
    private readonly credentials: LocalCredentials,
    private readonly clock: Clock,
  ) {}

  /** Runs a password check; a refusal spends one of the address's failures. */
  async counted<T>(address: string, attempt: () => Promise<T>): Promise<T> {
    this.failures.admit(address, this.clock.now());
    try {
      return await attempt();
    } catch (error) {
      if (error instanceof Refusal) this.failures.failed(address, this.clock.now());
      throw error;
    }
  }

  /** A local user (one an admin made); anyone else gets the same answer as a wrong password. */
  async localUser(name: string): Promise<UserRecord | undefined> {
    const user = await this.store.users.get(name);
    return user && logsInWithPassword(user.origin) ? user : undefined;
  }

  /** The local user whose password this is; the same refusal for every wrong guess. */
  check(name: string, password: string, address: string): Promise<UserRecord> {
    return this.counted(address, async () => {
      await this.credentials.check(name, password);
      const found = await this.localUser(name);
      if (!found) throw badCredentials();
      return found;
    });
  }
}
