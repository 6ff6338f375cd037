import { AgentServiceService, downloadMethod } from "@warren/proto";
import type { Http2GrpcServer } from "@warren/tunnel";

const DEFAULT_DOWNLOAD_CHUNK_BYTES = 64 * 1024;
const MAX_DOWNLOAD_CHUNK_BYTES = 1024 * 1024;

/**
 * The tunnel benchmark's calls (npm run bench -- tunnel): Echo sends each message back, and
 * Download sends as many bytes as asked, as fast as flow control allows. Served only when
 * the agent is told to (bench_rpcs), so a hub cannot make an agent burn its bandwidth.
 */
export function serveBenchRpcs(server: Http2GrpcServer): void {
  server.add(AgentServiceService.echo, async (call) => {
    for await (const request of call) await call.write({ payload: request.payload });
    call.end();
  });
  server.add(downloadMethod, async (call) => {
    const first = await call.requests.next();
    if (first.done) return;
    const size = Math.min(
      first.value.chunkBytes || DEFAULT_DOWNLOAD_CHUNK_BYTES,
      MAX_DOWNLOAD_CHUNK_BYTES,
    );
    const chunk = Buffer.alloc(size, 0x5a);
    let left = first.value.bytes;
    while (left > 0 && !call.ended) {
      const data = left >= chunk.length ? chunk : chunk.subarray(0, left);
      left -= data.length;
      await call.write({ data });
    }
    call.end();
  });
}
