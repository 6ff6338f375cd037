import type {
  AdminServiceServer,
  SessionRecording as SessionRecordingMessage,
} from "@warren/proto";
import type { HubStore, SessionRecordingRecord } from "@warren/store";

import { refuse } from "../errors.js";
import { adminHandler, type AdminHandlerDeps } from "../grpc/admin-handler.js";
import { decodeEvents } from "../recording/recorded-event.js";

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 10_000;
/** Chunks read for a page: a second of a quiet shell each, or up to ~256 KiB of a busy one. */
const CHUNKS_PER_PAGE = 16;
/** A page ends after the chunk that reaches this, well under gRPC's 4 MiB message limit. */
const PAGE_BYTES = 1024 * 1024;

/** The chunks of one page: all of `chunks` up to PAGE_BYTES, at least one. */
export function pageOf<T extends { data: Buffer }>(chunks: readonly T[]): T[] {
  let bytes = 0;
  const page: T[] = [];
  for (const chunk of chunks.slice(0, CHUNKS_PER_PAGE)) {
    if (page.length > 0 && bytes >= PAGE_BYTES) break;
    page.push(chunk);
    bytes += chunk.data.length;
  }
  return page;
}

export interface RecordingAdminDeps extends AdminHandlerDeps {
  store: HubStore;
}

export const recordingMessage = (r: SessionRecordingRecord): SessionRecordingMessage => ({
  id: r.id,
  user: r.user,
  cluster: r.cluster,
  kubernetesUser: r.kubernetesUser,
  namespace: r.namespace,
  pod: r.pod,
  container: r.container,
  command: r.command,
  subresource: r.subresource,
  tty: r.tty,
  protocol: r.protocol,
  startedAtUnixMs: r.startedAt.getTime(),
  endedAtUnixMs: r.endedAt?.getTime() ?? 0,
  hasExitCode: r.exitCode !== undefined,
  exitCode: r.exitCode ?? 0,
  endReason: r.endReason,
  bytes: r.bytes,
});

/** Recorded sessions: listed, and played back a page at a time; every read is audited. */
export function recordingAdmin(
  deps: RecordingAdminDeps,
): Pick<AdminServiceServer, "listSessionRecordings" | "getSessionRecording"> {
  return {
    listSessionRecordings: adminHandler(deps, "ListSessionRecordings", async (call) => {
      const { user, cluster, sinceUnixMs, limit } = call.request;
      const recordings = await deps.store.recordings.list({
        ...(user ? { user } : {}),
        ...(cluster ? { cluster } : {}),
        ...(sinceUnixMs > 0 ? { since: new Date(sinceUnixMs) } : {}),
        limit: Math.min(limit || DEFAULT_LIMIT, MAX_LIMIT),
      });
      return { recordings: recordings.map(recordingMessage) };
    }),
    getSessionRecording: adminHandler(
      deps,
      "GetSessionRecording",
      async (call) => {
        const { id, fromChunk } = call.request;
        const recording = await deps.store.recordings.get(id);
        if (!recording) {
          throw refuse.notFound(
            `there is no recording ${JSON.stringify(id.slice(0, 64))}: list them with ` +
              "warrenctl recordings ls (recordings past session_recording_retention are removed)",
          );
        }
        const chunks = await deps.store.recordings.chunks(id, fromChunk, CHUNKS_PER_PAGE + 1);
        const page = pageOf(chunks);
        const events = page.flatMap((chunk) => decodeEvents(chunk.data));
        return {
          recording: recordingMessage(recording),
          events: events.map((e) => ({ stream: e.stream, offsetMs: e.offsetMs, data: e.data })),
          nextChunk: (page.at(-1)?.seq ?? fromChunk - 1) + 1,
          more: chunks.length > page.length,
        };
      },
      // Watching what someone did in a shell is itself worth a line in the audit log.
      (request) => ({ verb: "get", resource: "recordings", name: request.id.slice(0, 64) }),
    ),
  };
}
