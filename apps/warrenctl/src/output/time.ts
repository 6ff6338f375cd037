const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Coarse and readable: "45s", "29m", "2h5m", "3d4h". */
export function humanDuration(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < MINUTE) return `${Math.round(abs / 1000)}s`;
  if (abs < HOUR) return `${Math.floor(abs / MINUTE)}m`;
  const [big, small, bigUnit, smallUnit] =
    abs < DAY ? [HOUR, MINUTE, "h", "m"] : [DAY, HOUR, "d", "h"];
  const whole = Math.floor(abs / big);
  const rest = Math.floor((abs % big) / small);
  return rest > 0 ? `${whole}${bigUnit}${rest}${smallUnit}` : `${whole}${bigUnit}`;
}

/** "2026-11-22T11:07:14Z (in 30m)" or "… (5m ago)". */
export function timeWithRelative(at: Date, now: Date): string {
  const iso = at.toISOString().replace(/\.\d{3}Z$/, "Z");
  const deltaMs = at.getTime() - now.getTime();
  return deltaMs >= 0
    ? `${iso} (in ${humanDuration(deltaMs)})`
    : `${iso} (${humanDuration(deltaMs)} ago)`;
}
