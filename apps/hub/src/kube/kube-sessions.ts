import { errorFields, type Logger } from "@warren/log";

import type { Clock } from "../clock.js";
import type { KubeResourceRequest } from "@warren/rbac";

import type { RequestedIdentity } from "./impersonation-request.js";
import type { FilterHolder } from "./resource-request.js";
import type { KubeCaller } from "./kube-authenticator.js";
import { KubeRefusal } from "./kube-refusal.js";

/** Whose sessions a change may affect: these users, this cluster, or (both empty) anyone's. */
export interface SessionScope {
  users?: readonly string[];
  cluster?: string;
}

/** What admin changes call: checks the sessions in scope again, ending those now refused. */
export interface AccessWatch {
  /** Resolves with how many sessions it ended. */
  recheck(scope: SessionScope): Promise<number>;
}

/** What a request was admitted as; checked again whenever access may have changed. */
export interface SessionGrant {
  caller: KubeCaller;
  cluster: string;
  requested: RequestedIdentity;
  kubernetesUser: string;
  kubernetesGroups: readonly string[];
  resource?: KubeResourceRequest;
  /** A filtered list or watch: what it may show, updated when the session is checked. */
  filter?: FilterHolder;
}

export interface KubeSession extends SessionGrant {
  /** Ends the request with this refusal, as a Status or close frame the client shows. */
  end(refusal: KubeRefusal): void;
}

/** Throws the KubeRefusal that applies if the grant no longer holds. */
export type SessionCheck = (grant: SessionGrant) => Promise<void>;

/** setTimeout's longest delay; a longer certificate life re-arms its timer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Every kubectl request in flight, by user: so a user cannot hold more than their share, and
 * so that access is checked for a request's whole life, not only when it arrives. Watches,
 * exec, attach and port-forward end when the user is removed or locked, loses the role that
 * admitted them, or their certificate expires.
 */
export class SessionBook implements AccessWatch {
  private readonly byUser = new Map<string, Set<KubeSession>>();

  constructor(
    private readonly check: SessionCheck,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly maxPerUser: number,
  ) {}

  /** Admits the session, or refuses it with 429 when its user has too many in flight. */
  open(session: KubeSession): () => void {
    const { name } = session.caller;
    const sessions = this.byUser.get(name) ?? new Set<KubeSession>();
    if (sessions.size >= this.maxPerUser) {
      throw new KubeRefusal(
        429,
        `user ${name} has ${String(sessions.size)} requests in flight through this hub, its limit ` +
          "(kube_max_in_flight_per_user): wait for some to end",
        1,
      );
    }
    sessions.add(session);
    this.byUser.set(name, sessions);
    const timer = { current: undefined as NodeJS.Timeout | undefined };
    this.armExpiry(session, timer);
    return () => {
      clearTimeout(timer.current);
      sessions.delete(session);
      if (sessions.size === 0 && this.byUser.get(name) === sessions) this.byUser.delete(name);
    };
  }

  private armExpiry(session: KubeSession, timer: { current: NodeJS.Timeout | undefined }): void {
    const remainingMs = session.caller.notAfter.getTime() - this.clock.now().getTime();
    timer.current = setTimeout(
      () => {
        if (remainingMs > MAX_TIMER_MS) this.armExpiry(session, timer);
        else void this.recheckOne(session);
      },
      Math.max(0, Math.min(remainingMs + 1, MAX_TIMER_MS)),
    );
    timer.current.unref();
  }

  /** Requests of `user` in flight now. */
  inFlight(user: string): number {
    return this.byUser.get(user)?.size ?? 0;
  }

  async recheck(scope: SessionScope): Promise<number> {
    const users = scope.users ?? [...this.byUser.keys()];
    const sessions = users.flatMap((user) => [...(this.byUser.get(user) ?? [])]);
    const inScope = sessions.filter((s) => !scope.cluster || s.cluster === scope.cluster);
    const ended = await Promise.all(inScope.map((session) => this.recheckOne(session)));
    return ended.filter(Boolean).length;
  }

  /** Ends the session if its grant no longer holds; never rejects (a failing check is logged). */
  private async recheckOne(session: KubeSession): Promise<boolean> {
    try {
      await this.check(session);
      return false;
    } catch (error) {
      if (!(error instanceof KubeRefusal)) {
        this.logger.error(
          { user: session.caller.name, ...errorFields(error) },
          "cannot check an open session's access",
        );
        return false;
      }
      this.logger.info(
        { user: session.caller.name, cluster: session.cluster, reason: error.message },
        "ended a session its user may no longer have",
      );
      session.end(error);
      return true;
    }
  }
}
