const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;

/** Parses "500ms", "30s", "10m", "8h", "7d", or a sequence like "1h30m"; returns milliseconds. */
export function parseDuration(text: string): number {
  const parts = text.trim().match(/\d+(?:\.\d+)?(?:ms|s|m|h|d)/g);
  if (parts?.join("") !== text.trim()) {
    throw new Error(`"${text}" is not a duration like 30s, 10m, 8h or 1h30m`);
  }
  return Math.round(
    parts.reduce((total, part) => {
      const [, amount, unit] = DURATION.exec(part) ?? [];
      return total + Number(amount) * (UNIT_MS[unit ?? ""] ?? Number.NaN);
    }, 0),
  );
}

/** The largest whole unit that fits, e.g. 1800000 -> "30m", 90000 -> "90s". */
export function formatDuration(ms: number): string {
  for (const unit of ["d", "h", "m", "s"] as const) {
    const size = UNIT_MS[unit] ?? 1;
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
