import type { HeaderLine } from "@warren/kube";
import type { Logger } from "@warren/log";
import type { HubStore } from "@warren/store";

import type { Clock } from "../clock.js";
import type { InteractiveSession } from "./interactive-session.js";
import { SessionRecorder } from "./session-recorder.js";
import { streamProtocolOf, tapSession, type SessionTap } from "./session-tap.js";

export interface RecordingDeps {
  store: HubStore;
  clock: Clock;
  logger: Logger;
  /** This replica, named in its recordings: others end them if it dies mid-session. */
  replicaId: string;
}

/** Who runs the session, where: the recording's row. */
export interface RecordedSessionContext {
  requestId: string;
  user: string;
  cluster: string;
  kubernetesUser: string;
  session: InteractiveSession;
}

/** Events wait this long at most before they are written: what a replica crash can lose. */
const FLUSH_INTERVAL_MS = 1000;

/**
 * Starts recording once the API server has answered 101: the row is written before the client
 * hears 101, so a session whose recording cannot start does not run (the caller refuses it).
 * Undefined for a protocol that is not a remote command stream.
 */
export async function startRecording(
  deps: RecordingDeps,
  context: RecordedSessionContext,
  responseHeaders: readonly HeaderLine[],
  onFailure: (error: unknown) => void,
): Promise<SessionTap | undefined> {
  const stream = streamProtocolOf(responseHeaders);
  if (stream === undefined) return undefined;
  const { session } = context;
  const recorder = await SessionRecorder.start(
    {
      recordings: deps.store.recordings,
      clock: deps.clock,
      logger: deps.logger,
      flushIntervalMs: FLUSH_INTERVAL_MS,
    },
    {
      id: context.requestId,
      user: context.user,
      cluster: context.cluster,
      kubernetesUser: context.kubernetesUser,
      namespace: session.namespace,
      pod: session.pod,
      container: session.container,
      command: session.command,
      subresource: session.subresource,
      tty: session.tty,
      protocol: stream.kind === "spdy" ? `SPDY/3.1+${stream.protocol}` : stream.protocol,
      startedAt: deps.clock.now(),
      endReason: "",
      bytes: 0,
      replicaId: deps.replicaId,
    },
    onFailure,
  );
  return tapSession(recorder, stream);
}
