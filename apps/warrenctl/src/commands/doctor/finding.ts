/** One problem doctor found: what it concerns, what is wrong, and the exact fix. */
export interface Finding {
  subject: string;
  problem: string;
  fix: string;
  /** What kubectl prints for it (as measured), so a user's pasted error can be matched. */
  kubectlPrints?: string;
}

export function formatFindings(findings: readonly Finding[], checked: string): string {
  if (findings.length === 0) return `No problems found (${checked}).\n`;
  const blocks = findings.map(
    (f) =>
      `✗ ${f.subject}: ${f.problem}\n` +
      (f.kubectlPrints ? `  kubectl prints: ${f.kubectlPrints}\n` : "") +
      `  fix: ${f.fix}\n`,
  );
  const count = findings.length === 1 ? "1 problem" : `${String(findings.length)} problems`;
  return `${blocks.join("\n")}\n${count} found (${checked}).\n`;
}
