import {
  AgentServiceService,
  type ProxyRequest,
  type ProxyResponse,
} from "./gen/warren/v1/agent.js";
import { readVarint, varintLength, writeVarint } from "./varint.js";

// Bodies and upgraded bytes are nearly all a Proxy stream carries. The generated codec copies
// each chunk three times on the way out (writer, finish, Buffer.from) and once on the way in;
// these do it once out and never in. The bytes on the wire are the same: any peer's encoding
// of these messages decodes here, and ours decodes anywhere.

/** Field numbers in agent.proto: the `frame` oneof of ProxyRequest and ProxyResponse... */
const BODY_FIELD = 2;
const UPGRADED_FIELD = 3;
/** ...and `data` in BodyChunk and UpgradedData. */
const DATA_FIELD = 1;
const LENGTH_DELIMITED = 2;

type DataFrame =
  { $case: "body"; value: { data: Buffer } } | { $case: "upgraded"; value: { data: Buffer } };

/** `field` holding a message whose only field is `data`: the data copied once. */
export function encodeDataFrame(frame: DataFrame): Buffer {
  const { data } = frame.value;
  const field = frame.$case === "body" ? BODY_FIELD : UPGRADED_FIELD;
  // An empty bytes field is left out, as protobuf encoders do.
  const inner = data.length === 0 ? 0 : 1 + varintLength(data.length) + data.length;
  const out = Buffer.allocUnsafe(1 + varintLength(inner) + inner);
  out[0] = (field << 3) | LENGTH_DELIMITED;
  let at = writeVarint(out, 1, inner);
  if (inner > 0) {
    out[at++] = (DATA_FIELD << 3) | LENGTH_DELIMITED;
    at = writeVarint(out, at, data.length);
    out.set(data, at);
  }
  return out;
}

/**
 * A body or upgraded frame read as a view of `bytes`, or undefined when `bytes` holds anything
 * else (a head, an unknown field, several fields): the generated decoder reads those.
 */
export function decodeDataFrame(bytes: Buffer): DataFrame | undefined {
  const tag = bytes[0] ?? 0;
  const field = tag >> 3;
  if ((tag & 7) !== LENGTH_DELIMITED || (field !== BODY_FIELD && field !== UPGRADED_FIELD)) {
    return undefined;
  }
  const inner = readVarint(bytes, 1);
  if (inner === undefined || inner.end + inner.value !== bytes.length) return undefined;
  let data = bytes.subarray(bytes.length);
  if (inner.value > 0) {
    if (bytes[inner.end] !== ((DATA_FIELD << 3) | LENGTH_DELIMITED)) return undefined;
    const length = readVarint(bytes, inner.end + 1);
    if (length === undefined || length.end + length.value !== bytes.length) return undefined;
    data = bytes.subarray(length.end);
  }
  return field === BODY_FIELD
    ? { $case: "body", value: { data } }
    : { $case: "upgraded", value: { data } };
}

function isDataFrame(frame: ProxyRequest["frame"] | ProxyResponse["frame"]): frame is DataFrame {
  return frame?.$case === "body" || frame?.$case === "upgraded";
}

/** A message type's codec, with its data frames taken by the functions above. */
function withDataFrames<T extends ProxyRequest | ProxyResponse>(
  serialize: (value: T) => Buffer,
  deserialize: (bytes: Buffer) => T,
) {
  return {
    serialize: (value: T): Buffer =>
      isDataFrame(value.frame) ? encodeDataFrame(value.frame) : serialize(value),
    deserialize: (bytes: Buffer): T => {
      const frame = decodeDataFrame(bytes);
      // A data frame is a valid `frame` of both message types.
      return frame ? ({ frame } as T) : deserialize(bytes);
    },
  };
}

const generated = AgentServiceService.proxy;
const requests = withDataFrames(generated.requestSerialize, generated.requestDeserialize);
const responses = withDataFrames(generated.responseSerialize, generated.responseDeserialize);

/**
 * AgentService.Proxy with bodies and upgraded bytes copied once on the way out and read in
 * place on the way in; heads go through the generated codec. Both ends use this definition.
 */
export const proxyMethod = {
  ...generated,
  requestSerialize: requests.serialize,
  requestDeserialize: requests.deserialize,
  responseSerialize: responses.serialize,
  responseDeserialize: responses.deserialize,
};
