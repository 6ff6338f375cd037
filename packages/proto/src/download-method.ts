import { AgentServiceService, type DownloadResponse } from "./gen/warren/v1/agent.js";
import { readVarint, varintLength, writeVarint } from "./varint.js";

/** `data`, field 1 of DownloadResponse, length-delimited. */
const DATA_TAG = (1 << 3) | 2;

function serialize(response: DownloadResponse): Buffer {
  const { data } = response;
  if (data.length === 0) return Buffer.alloc(0);
  const out = Buffer.allocUnsafe(1 + varintLength(data.length) + data.length);
  out[0] = DATA_TAG;
  out.set(data, writeVarint(out, 1, data.length));
  return out;
}

function deserialize(bytes: Buffer): DownloadResponse {
  const length = bytes[0] === DATA_TAG ? readVarint(bytes, 1) : undefined;
  if (length === undefined || length.end + length.value !== bytes.length) {
    return AgentServiceService.download.responseDeserialize(bytes);
  }
  return { data: bytes.subarray(length.end) };
}

/**
 * AgentService.Download (the tunnel benchmark's bulk call) with its data copied once on the
 * way out and read in place on the way in, as proxyMethod does with Proxy's bodies: the
 * benchmark then measures what the data path does, not the generated codec's extra copies.
 * The bytes on the wire are the same.
 */
export const downloadMethod = {
  ...AgentServiceService.download,
  responseSerialize: serialize,
  responseDeserialize: deserialize,
};
