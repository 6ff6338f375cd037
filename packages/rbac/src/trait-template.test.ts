import { describe, expect, it } from "vitest";

import { expandValue, expandValues, parseTemplate } from "./trait-template.js";

const traits = {
  groups: ["devs", "ops"],
  email: ["alice@example.com"],
  empty: [],
  wild: ["*", "a*", ""],
  odd: ["x\ny", "not-an-address"],
};

describe("trait templates", () => {
  it("expands a trait into one value per trait value, with text around it", () => {
    expect(expandValue("{{external.groups}}", traits)).toEqual(["devs", "ops"]);
    expect(expandValue("team-{{ external.groups }}-rw", traits)).toEqual([
      "team-devs-rw",
      "team-ops-rw",
    ]);
    expect(expandValue("{{email.local(external.email)}}", traits)).toEqual(["alice"]);
    expect(expandValue("plain", traits)).toEqual(["plain"]);
  });

  it("gives nothing for a missing or empty trait, never a wildcard", () => {
    expect(expandValue("{{external.missing}}", traits)).toEqual([]);
    expect(expandValue("{{external.empty}}", traits)).toEqual([]);
    expect(expandValue("{{external.wild}}", traits)).toEqual([]);
    expect(expandValue("{{external.odd}}", traits)).toEqual(["not-an-address"]);
    expect(expandValue("{{email.local(external.odd)}}", traits)).toEqual([]);
    expect(expandValues(["{{external.missing}}", "base"], traits)).toEqual(["base"]);
  });

  it("refuses malformed templates by what is wrong", () => {
    expect(() => parseTemplate("{{external.groups")).toThrow("unclosed");
    expect(() => parseTemplate("{{external.a}}{{external.b}}")).toThrow("one {{ }} template");
    expect(() => parseTemplate("{{internal.logins}}")).toThrow("{{external.NAME}}");
    expect(() => parseTemplate("{{regexp.replace(external.a, 'x', 'y')}}")).toThrow("email.local");
  });
});
