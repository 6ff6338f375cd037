import { errorFields, type Logger } from "@warren/log";
import type { HubStore, StoreChange } from "@warren/store";

import type { HubAuthorities } from "../ca/hub-authorities.js";
import type { Clock } from "../clock.js";
import type { SessionBook } from "../kube/kube-sessions.js";
import type { AgentRegistry } from "../tunnel/agent-registry.js";
import { sweepConnectedAgents } from "../tunnel/agent-sweep.js";
import type { ReplicaDirectory } from "./replica-directory.js";

export interface ChangeDeps {
  store: HubStore;
  authorities: HubAuthorities;
  sessions: SessionBook;
  registry: AgentRegistry;
  directory: ReplicaDirectory;
  clock: Clock;
  logger: Logger;
}

/** What this replica does when another one changed something: what that one did locally. */
async function apply(deps: ChangeDeps, change: StoreChange): Promise<void> {
  switch (change.kind) {
    case "users":
      await deps.sessions.recheck({ users: change.names });
      return;
    case "roles":
      await deps.sessions.recheck({});
      return;
    case "cluster":
      await deps.sessions.recheck({ cluster: change.name });
      return;
    case "agents":
      for (const id of change.revoked) deps.registry.disconnect(id, "revoked on another replica");
      return;
    case "replicas":
      await deps.directory.refresh();
      return;
    case "authorities":
      await deps.authorities.reload();
      return;
    case "resync":
      await deps.authorities.reload();
      await deps.sessions.recheck({});
      await sweepConnectedAgents(deps.registry, deps.store, deps.clock);
      await deps.directory.refresh();
  }
}

/** Follows the change feed until the returned function is called. */
export function followChanges(deps: ChangeDeps): () => void {
  return deps.store.changes.subscribe((change) => {
    apply(deps, change).catch((error: unknown) => {
      deps.logger.warn({ change: change.kind, ...errorFields(error) }, "could not apply a change");
    });
  });
}

/**
 * Tells the other replicas; this one has acted already. The change itself is committed, so a
 * failure here only delays the others until their periodic checks: logged, not thrown.
 */
export async function announce(store: HubStore, logger: Logger, change: StoreChange) {
  try {
    await store.changes.publish(change);
  } catch (error) {
    logger.warn({ change: change.kind, ...errorFields(error) }, "could not tell other replicas");
  }
}
