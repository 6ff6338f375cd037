import { RbacError, RbacErrorCode } from "./errors.js";

/** What an identity provider said about a user: claim or team name → values. */
export type Traits = Readonly<Record<string, readonly string[]>>;

type Transform = (value: string) => string | undefined;

interface Template {
  prefix: string;
  trait: string;
  transform: Transform;
  suffix: string;
}

const TEMPLATE = /\{\{(.*?)\}\}/g;
const TRAIT = "external\\.([A-Za-z0-9_:./-]+)";
const PLAIN = new RegExp(`^${TRAIT}$`);
const EMAIL_LOCAL = new RegExp(`^email\\.local\\(\\s*${TRAIT}\\s*\\)$`);

/** The part of an email address before the @; not an address: nothing. */
const emailLocal: Transform = (value) => {
  const at = value.lastIndexOf("@");
  return at > 0 ? value.slice(0, at) : undefined;
};

function invalid(value: string, reason: string): RbacError {
  return new RbacError(RbacErrorCode.InvalidRole, `${JSON.stringify(value)}: ${reason}`);
}

/** The template in a role value, undefined when it has none; throws when it is malformed. */
export function parseTemplate(value: string): Template | undefined {
  const matches = [...value.matchAll(TEMPLATE)];
  if (matches.length === 0) {
    if (value.includes("{{") || value.includes("}}")) throw invalid(value, "unclosed {{ }}");
    return undefined;
  }
  const [match] = matches;
  if (matches.length > 1 || match === undefined) {
    throw invalid(value, "one {{ }} template per value");
  }
  const inner = (match[1] ?? "").trim();
  const plain = PLAIN.exec(inner);
  const local = EMAIL_LOCAL.exec(inner);
  const trait = plain?.[1] ?? local?.[1];
  if (trait === undefined) {
    throw invalid(
      value,
      "a template is {{external.NAME}} or {{email.local(external.NAME)}}, NAME a claim or trait",
    );
  }
  return {
    prefix: value.slice(0, match.index),
    trait,
    transform: local ? emailLocal : (v) => v,
    suffix: value.slice(match.index + match[0].length),
  };
}

/**
 * A usable expanded value: not empty, no wildcard (a provider's "*" must not become one), no
 * control characters (it ends up in an HTTP header).
 */
function usable(value: string): boolean {
  if (value === "" || value.includes("*")) return false;
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return false;
  }
  return true;
}

/**
 * A role value with the user's traits put in: one value per trait value; a trait that is
 * missing or empty gives nothing at all, never a wildcard. Values without a template stay.
 */
export function expandValue(value: string, traits: Traits): string[] {
  const template = parseTemplate(value);
  if (template === undefined) return [value];
  const out: string[] = [];
  for (const traitValue of traits[template.trait] ?? []) {
    const transformed = template.transform(traitValue);
    if (transformed === undefined) continue;
    const expanded = `${template.prefix}${transformed}${template.suffix}`;
    if (usable(transformed) && !out.includes(expanded)) out.push(expanded);
  }
  return out;
}

export const expandValues = (values: readonly string[], traits: Traits): string[] => [
  ...new Set(values.flatMap((value) => expandValue(value, traits))),
];
