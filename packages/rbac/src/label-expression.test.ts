import { describe, expect, it } from "vitest";

import { parseLabelExpression } from "./label-expression.js";

const labels = { env: "prod", tier: "autopilot", team: "payments" };
const matches = (source: string) => parseLabelExpression(source).matches(labels);

describe("label expressions", () => {
  it("compares labels, with a missing label reading as empty", () => {
    expect(matches('labels["env"] == "prod"')).toBe(true);
    expect(matches('labels.tier != "autopilot"')).toBe(false);
    expect(matches('labels["missing"] == ""')).toBe(true);
  });

  it("combines with !, &&, || and parentheses in the usual precedence", () => {
    expect(matches('labels.env == "dev" || labels.team == "payments" && true')).toBe(true);
    expect(matches('(labels.env == "dev" || labels.team == "payments") && false')).toBe(false);
    expect(matches('!(labels.env == "dev")')).toBe(true);
  });

  it("has string functions and literal regexes", () => {
    expect(matches('startsWith(labels.team, "pay") && endsWith(labels.env, "od")')).toBe(true);
    expect(matches('contains(labels.tier, "pilot")')).toBe(true);
    expect(matches('matches(labels.env, "^(prod|staging)$")')).toBe(true);
  });

  it.each([
    ['labels["env"]', /expected a boolean/],
    ["labels.env == true", /cannot compare a string with a boolean/],
    ['system("rm")', /unknown name 'system'/],
    ['labels["env" == "x"', /expected '\]'/],
    ['"unterminated', /unterminated string/],
    ['labels.env == "a" extra', /unexpected text after the expression/],
    ['matches(labels.env, "(")', /bad regex/],
  ])("refuses %s", (source, message) => {
    expect(() => parseLabelExpression(source)).toThrow(message);
  });
});
