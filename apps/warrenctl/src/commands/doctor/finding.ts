/** One problem doctor found: what it concerns, what is wrong, and the exact fix. */
export interface Finding {
  subject: string;
  problem: string;
  fix: string;
}

export function formatFindings(findings: readonly Finding[], checked: string): string {
  if (findings.length === 0) return `No problems found (${checked}).\n`;
  const blocks = findings.map((f) => `✗ ${f.subject}: ${f.problem}\n  fix: ${f.fix}\n`);
  const count = findings.length === 1 ? "1 problem" : `${String(findings.length)} problems`;
  return `${blocks.join("\n")}\n${count} found (${checked}).\n`;
}
