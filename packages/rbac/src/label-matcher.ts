import { RbacError, RbacErrorCode } from "./errors.js";

/** One allowed value of a label: exact, "*", a glob (* and ?), or a "^regex$". */
export type ValuePattern = (value: string) => boolean;

function escapeRegex(text: string): string {
  return text.replace(/[.+^${}()|[\]\\]/g, "\\$&");
}

function globToRegex(glob: string): RegExp {
  const body = escapeRegex(glob).replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "u");
}

/** Compiles one value; a bad regex is an RbacError naming the value and why. */
export function compileValuePattern(pattern: string): ValuePattern {
  if (pattern === "*") return () => true;
  if (pattern.startsWith("^") && pattern.endsWith("$")) {
    let regex: RegExp;
    try {
      regex = new RegExp(pattern, "u");
    } catch (error) {
      throw new RbacError(
        RbacErrorCode.InvalidRole,
        `bad regex "${pattern}": ${(error as Error).message}`,
      );
    }
    return (value) => regex.test(value);
  }
  if (pattern.includes("*") || pattern.includes("?")) {
    const regex = globToRegex(pattern);
    return (value) => regex.test(value);
  }
  return (value) => value === pattern;
}

export type LabelSelector = Readonly<Record<string, readonly string[]>>;

/**
 * Whether labels satisfy every key of the selector. The key "*" with the value "*" matches
 * every cluster, labelled or not; any other key needs the label present with an allowed value.
 * An empty selector matches nothing: a role reaches no cluster unless it says which.
 */
export function compileLabelSelector(
  selector: LabelSelector,
): (labels: Readonly<Record<string, string>>) => boolean {
  const entries = Object.entries(selector).map(
    ([key, values]) => [key, values, values.map(compileValuePattern)] as const,
  );
  if (entries.length === 0) return () => false;
  return (labels) =>
    entries.every(([key, values, patterns]) => {
      if (key === "*") return values.includes("*");
      const value = labels[key];
      return value !== undefined && patterns.some((matches) => matches(value));
    });
}
