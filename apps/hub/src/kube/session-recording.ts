import type { RequestAttributes } from "@warren/kube";
import { errorFields } from "@warren/log";

import { interactiveSession } from "../recording/interactive-session.js";
import { startRecording, type RecordingDeps } from "../recording/start-recording.js";
import type { AdmittedKubeRequest } from "./kube-admission.js";
import type { KubeRequestRecord } from "./kube-audit.js";
import { KubeRefusal } from "./kube-refusal.js";
import type { RecordingStart } from "./upgrade-relay.js";

/**
 * How an interactive exec or attach is recorded, unless the roles that granted it turned
 * recording off; a recording that fails ends the session with a 503.
 */
export function recordingOf(
  deps: RecordingDeps,
  record: KubeRequestRecord,
  admitted: AdmittedKubeRequest,
  attributes: RequestAttributes,
  abort: AbortController,
): RecordingStart | undefined {
  const session = interactiveSession(record.path, attributes);
  if (session === undefined || !admitted.recordSessions) return undefined;
  const context = {
    requestId: record.requestId,
    user: record.user,
    cluster: record.cluster,
    kubernetesUser: admitted.kubernetesUser,
    session,
  };
  const failed = () => {
    abort.abort(
      new KubeRefusal(
        503,
        "the hub cannot write this session's recording, so it ended it; see the hub's log",
      ),
    );
  };
  return async (responseHeaders) => {
    try {
      return await startRecording(deps, context, responseHeaders, failed);
    } catch (error) {
      deps.logger.error(errorFields(error), "cannot start a session's recording");
      throw new KubeRefusal(
        503,
        "the hub cannot record this session, so it does not open it; see the hub's log",
        5,
      );
    }
  };
}
