import { describe, expect, it } from "vitest";

import { identityOf } from "./json-identity.js";

const of = (value: unknown, space?: number) =>
  identityOf(Buffer.from(JSON.stringify(value, null, space)));

describe("identityOf", () => {
  it("reads metadata.namespace and name wherever they sit, as JSON.parse would", () => {
    const object = {
      kind: "Pod",
      spec: { containers: [{ name: "not-this", args: ["}", "]", '"'] }] },
      metadata: { labels: { name: "nor-this" }, name: 'we"ird\\name', namespace: "dev-ü" },
    };
    expect(of(object)).toEqual({ namespace: "dev-ü", name: 'we"ird\\name' });
    expect(of(object, 2)).toEqual({ namespace: "dev-ü", name: 'we"ird\\name' });
  });

  it("reads a Table row by the object it carries, and a cluster-scoped object's name", () => {
    const row = {
      cells: ["n", 1, null, true],
      object: { metadata: { namespace: "a", name: "b" } },
    };
    expect(of(row)).toEqual({ namespace: "a", name: "b" });
    expect(of({ metadata: { name: "node-1" } })).toEqual({ namespace: "", name: "node-1" });
  });

  it("reads nothing from what has no string name or is not JSON", () => {
    expect(of({ metadata: { namespace: "a" } })).toBeUndefined();
    expect(of({ metadata: { name: 7 } })).toBeUndefined();
    expect(identityOf(Buffer.from('{"metadata":'))).toBeUndefined();
    expect(identityOf(Buffer.from("[1,2]"))).toBeUndefined();
  });
});
