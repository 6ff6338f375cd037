import { RbacError, RbacErrorCode } from "./errors.js";

export type Token =
  | { kind: "string"; value: string; at: number }
  | { kind: "ident"; value: string; at: number }
  | { kind: "op"; value: string; at: number }
  | { kind: "end"; at: number };

const OPERATORS = ["==", "!=", "&&", "||", "!", "(", ")", "[", "]", ",", "."];

export function expressionError(source: string, at: number, reason: string): RbacError {
  return new RbacError(
    RbacErrorCode.InvalidExpression,
    `${reason} at column ${at + 1} of '${source}'`,
  );
}

function readString(source: string, start: number): { value: string; end: number } {
  const quote = source[start];
  let value = "";
  for (let i = start + 1; i < source.length; i += 1) {
    const char = source[i];
    if (char === quote) return { value, end: i + 1 };
    if (char === "\\") {
      i += 1;
      if (i >= source.length) break;
    }
    value += source.charAt(i);
  }
  throw expressionError(source, start, "unterminated string");
}

/** Splits a label expression into tokens; anything unknown is an error naming its column. */
export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const char = source.charAt(i);
    if (/\s/.test(char)) {
      i += 1;
    } else if (char === '"' || char === "'") {
      const { value, end } = readString(source, i);
      tokens.push({ kind: "string", value, at: i });
      i = end;
    } else if (/[A-Za-z_]/.test(char)) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(source.slice(i));
      const value = match?.[0] ?? char;
      tokens.push({ kind: "ident", value, at: i });
      i += value.length;
    } else {
      const op = OPERATORS.find((candidate) => source.startsWith(candidate, i));
      if (op === undefined) throw expressionError(source, i, `unexpected '${char}'`);
      tokens.push({ kind: "op", value: op, at: i });
      i += op.length;
    }
  }
  tokens.push({ kind: "end", at: source.length });
  return tokens;
}
