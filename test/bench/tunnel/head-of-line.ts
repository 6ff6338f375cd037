import { downloadMethod } from "@warren/proto";
import type { Http2GrpcClient } from "@warren/tunnel";

import { ratio, throughput, type Throughput } from "../stats.js";
import { download } from "./throughput.js";

const MiB = 1024 * 1024;
const ROUNDS = 5;

export interface HeadOfLineReport {
  description: string;
  busyStreams: number;
  withoutStalled: Throughput;
  withStalled: Throughput;
  lossPercent: number;
  targetLossPercent: number;
}

function busy(client: Http2GrpcClient, streams: number, bytesEach: number): Promise<Throughput> {
  return throughput(streams * bytesEach, () =>
    Promise.all(Array.from({ length: streams }, () => download(client, bytesEach))),
  );
}

function median(runs: Throughput[]): Throughput {
  const sorted = [...runs].sort((a, b) => a.mebibytesPerSecond - b.mebibytesPerSecond);
  const middle = sorted[Math.floor(sorted.length / 2)];
  if (!middle) throw new Error("no runs");
  return middle;
}

/** Busy streams alone, then beside a stalled one, alternating rounds; medians of each. */
export async function measureHeadOfLine(
  client: Http2GrpcClient,
  busyStreams: number,
  bytesEachMiB: number,
): Promise<HeadOfLineReport> {
  const bytesEach = bytesEachMiB * MiB;
  await busy(client, busyStreams, 4 * MiB);
  const alone: Throughput[] = [];
  const beside: Throughput[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    alone.push(await busy(client, busyStreams, bytesEach));
    // A reader that has stopped: the call fills its own window, then waits.
    const stalled = client.call(downloadMethod);
    await stalled.write({ bytes: 16 * 1024 * MiB, chunkBytes: 0 });
    stalled.end();
    beside.push(await busy(client, busyStreams, bytesEach));
    stalled.cancel();
  }
  const withoutStalled = median(alone);
  const withStalled = median(beside);
  return {
    description: `${busyStreams} streams downloading at once, alone and beside one whose reader stopped; median of ${ROUNDS} rounds each, alternating`,
    busyStreams,
    withoutStalled,
    withStalled,
    lossPercent:
      Math.round(
        (1 - ratio(withStalled.mebibytesPerSecond, withoutStalled.mebibytesPerSecond)) * 1000,
      ) / 10,
    targetLossPercent: 5,
  };
}
