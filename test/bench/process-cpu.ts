import { readFileSync } from "node:fs";

/** Linux's USER_HZ, which /proc reports CPU time in; 100 on every mainstream kernel. */
const TICKS_PER_SECOND = 100;

/** CPU time (user + system) process `pid` has used so far, in ms, from /proc/PID/stat. */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${String(pid)}/stat`, "utf8");
  // The command name may hold spaces; fields are counted from after its closing parenthesis.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // utime and stime (fields 14, 15)
  return (ticks * 1000) / TICKS_PER_SECOND;
}

/** This process's CPU time so far, in ms. */
export const ownCpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** CPU ms each named process spends while `work` runs. */
export async function cpuDuring(
  pids: Readonly<Record<string, number>>,
  work: () => Promise<unknown>,
): Promise<Record<string, number>> {
  const read = (): Record<string, number> => ({
    ...Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processCpuMs(pid)])),
    client: ownCpuMs(),
  });
  const before = read();
  await work();
  const after = read();
  return Object.fromEntries(
    Object.entries(after).map(([name, ms]) => [name, ms - (before[name] ?? 0)]),
  );
}

/** Adds `more` (CPU ms by process) into `total`. */
export function addCpu(total: Record<string, number>, more: Readonly<Record<string, number>>) {
  for (const [name, ms] of Object.entries(more)) total[name] = (total[name] ?? 0) + ms;
}
