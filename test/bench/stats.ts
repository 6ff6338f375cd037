export interface LatencyStats {
  n: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  minMs: number;
  maxMs: number;
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? Number.NaN;
}

export function latencyStats(samplesMs: readonly number[]): LatencyStats {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  return {
    n: sorted.length,
    p50Ms: round(percentile(sorted, 0.5)),
    p99Ms: round(percentile(sorted, 0.99)),
    meanMs: round(sorted.reduce((sum, x) => sum + x, 0) / sorted.length),
    minMs: round(sorted[0] ?? Number.NaN),
    maxMs: round(sorted.at(-1) ?? Number.NaN),
  };
}

/** Times `iterations` sequential runs of `fn` after `warmup` untimed ones, in milliseconds. */
/** The untimed calls timeEach makes first, unless told otherwise. */
export const defaultWarmup = (iterations: number) => Math.ceil(iterations / 10);

export async function timeEach(
  fn: () => Promise<unknown>,
  iterations: number,
  warmup = defaultWarmup(iterations),
): Promise<LatencyStats> {
  for (let i = 0; i < warmup; i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const started = performance.now();
    await fn();
    samples.push(performance.now() - started);
  }
  return latencyStats(samples);
}

export interface Throughput {
  bytes: number;
  seconds: number;
  mebibytesPerSecond: number;
}

export async function throughput(bytes: number, move: () => Promise<unknown>): Promise<Throughput> {
  const started = performance.now();
  await move();
  const seconds = (performance.now() - started) / 1000;
  return {
    bytes,
    seconds: round(seconds),
    mebibytesPerSecond: round(bytes / (1024 * 1024) / seconds),
  };
}

export const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

export const ratio = (a: number, b: number) => Math.round((a / b) * 1000) / 1000;

/** Progress for people, on stderr; stdout carries only the JSON report. */
export function progress(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}
