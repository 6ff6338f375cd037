import { downloadMethod } from "@warren/proto";
import type { Http2GrpcClient } from "@warren/tunnel";

import { ratio, throughput, type Throughput } from "../stats.js";
import { readFromOpenSsh, type OpenSshForward } from "./openssh.js";

const MiB = 1024 * 1024;

/** Reads a whole Download of `bytes` from the agent; resolves with what arrived. */
export async function download(client: Http2GrpcClient, bytes: number): Promise<number> {
  const call = client.call(downloadMethod);
  await call.write({ bytes, chunkBytes: 0 });
  call.end();
  let received = 0;
  for await (const { data } of call) received += data.length;
  if (received !== bytes) throw new Error(`download moved ${received} of ${bytes} bytes`);
  return received;
}

function medianOf(runs: Throughput[]): Throughput {
  const sorted = [...runs].sort((a, b) => a.mebibytesPerSecond - b.mebibytesPerSecond);
  const middle = sorted[Math.floor(sorted.length / 2)];
  if (!middle) throw new Error("no runs");
  return middle;
}

/** `totalBytes` moved once, split over `streams` concurrent streams. */
function moveOnce(totalBytes: number, streams: number, move: (bytes: number) => Promise<unknown>) {
  return throughput(totalBytes, () =>
    Promise.all(Array.from({ length: streams }, () => move(totalBytes / streams))),
  );
}

export interface ThroughputReport {
  description: string;
  totalBytes: number;
  concurrentStreams: number;
  throughTunnel: { oneStream: Throughput; concurrent: Throughput };
  openSshReverseForward: { oneStream: Throughput; concurrent: Throughput };
  ratioToOpenSsh: { oneStream: number; concurrent: number };
  /** The bar for one stream against `ssh -R`. */
  targetRatioOneStream: number;
}

const ROUNDS = 5;

/**
 * Alternates the two ways round by round (this machine's load drifts), and reports medians.
 */
export async function measureThroughput(
  tunnel: Http2GrpcClient,
  openSsh: OpenSshForward,
  totalMiB: number,
  streams: number,
): Promise<ThroughputReport> {
  const totalBytes = totalMiB * MiB;
  const oursMove = (bytes: number) => download(tunnel, bytes);
  const theirsMove = (bytes: number) => readFromOpenSsh(openSsh, bytes);
  // Once each way untimed first, so neither side pays for warming up.
  await oursMove(16 * MiB);
  await theirsMove(16 * MiB);
  const runs = {
    oursOne: [] as Throughput[],
    theirsOne: [] as Throughput[],
    oursMany: [] as Throughput[],
    theirsMany: [] as Throughput[],
  };
  for (let round = 0; round < ROUNDS; round++) {
    runs.oursOne.push(await moveOnce(totalBytes, 1, oursMove));
    runs.theirsOne.push(await moveOnce(totalBytes, 1, theirsMove));
    runs.oursMany.push(await moveOnce(totalBytes, streams, oursMove));
    runs.theirsMany.push(await moveOnce(totalBytes, streams, theirsMove));
  }
  const ours = { one: medianOf(runs.oursOne), many: medianOf(runs.oursMany) };
  const theirs = { one: medianOf(runs.theirsOne), many: medianOf(runs.theirsMany) };
  return {
    description: `bytes from agent to hub: one stream, then the same bytes over concurrent streams; median of ${ROUNDS} rounds`,
    totalBytes,
    concurrentStreams: streams,
    throughTunnel: { oneStream: ours.one, concurrent: ours.many },
    openSshReverseForward: { oneStream: theirs.one, concurrent: theirs.many },
    ratioToOpenSsh: {
      oneStream: ratio(ours.one.mebibytesPerSecond, theirs.one.mebibytesPerSecond),
      concurrent: ratio(ours.many.mebibytesPerSecond, theirs.many.mebibytesPerSecond),
    },
    targetRatioOneStream: 0.8,
  };
}
