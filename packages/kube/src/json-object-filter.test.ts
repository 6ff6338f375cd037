import { describe, expect, it } from "vitest";

import { JsonListFilter, JsonWatchFilter, type ObjectPredicate } from "./json-object-filter.js";

const inDev: ObjectPredicate = (namespace) => namespace.startsWith("dev-");

const pod = (namespace: string, name: string) => ({
  metadata: { namespace, name, annotations: { note: 'a "quoted" ] } [ { text' } },
  spec: { containers: [{ name: "c" }] },
});

/** Runs the filter over the text cut into chunks of `size` bytes. */
function run(filter: JsonListFilter | JsonWatchFilter, text: string, size: number): string {
  const bytes = Buffer.from(text);
  const out: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(filter.push(bytes.subarray(i, i + size)));
  return Buffer.concat(out).toString();
}

describe("JsonListFilter", () => {
  const list = {
    kind: "PodList",
    apiVersion: "v1",
    metadata: { resourceVersion: "42", note: "items" },
    items: [pod("dev-1", "a"), pod("prod", "b"), pod("dev-2", "ü"), pod("kube-system", "d")],
  };

  it("keeps what the rules allow and everything around the items, however the bytes are cut", () => {
    const text = JSON.stringify(list, null, 1);
    const expected = { ...list, items: [list.items[0], list.items[2]] };
    for (const size of [1, 2, 3, 7, 64, text.length]) {
      const filtered = run(new JsonListFilter(inDev), text, size);
      expect(JSON.parse(filtered)).toEqual(expected);
    }
  });

  it("filters a server-side printed Table's rows by the object each row carries", () => {
    const table = {
      kind: "Table",
      columnDefinitions: [{ name: "Name" }],
      rows: [
        {
          cells: ["a"],
          object: { kind: "PartialObjectMetadata", metadata: { namespace: "dev-1", name: "a" } },
        },
        {
          cells: ["b"],
          object: { kind: "PartialObjectMetadata", metadata: { namespace: "prod", name: "b" } },
        },
      ],
    };
    const filtered = JSON.parse(
      run(new JsonListFilter(inDev), JSON.stringify(table), 5),
    ) as typeof table;
    expect(filtered.rows.map((r) => r.cells[0])).toEqual(["a"]);
    expect(filtered.columnDefinitions).toEqual(table.columnDefinitions);
  });

  it("leaves an empty list empty and drops items it cannot read", () => {
    const empty = { kind: "PodList", items: [] };
    expect(JSON.parse(run(new JsonListFilter(inDev), JSON.stringify(empty), 4))).toEqual(empty);
    const odd =
      '{"kind":"PodList","items":[{"metadata":{"namespace":"dev-1"}},{"metadata":{"namespace":"dev-1","name":"x"}}]}';
    expect(JSON.parse(run(new JsonListFilter(inDev), odd, 3))).toEqual({
      kind: "PodList",
      items: [{ metadata: { namespace: "dev-1", name: "x" } }],
    });
  });
});

describe("JsonWatchFilter", () => {
  const events = [
    { type: "ADDED", object: pod("dev-1", "a") },
    { type: "ADDED", object: pod("prod", "b") },
    { type: "BOOKMARK", object: { kind: "Pod", metadata: { resourceVersion: "9" } } },
    { type: "DELETED", object: pod("dev-3", "c") },
  ];

  it("passes the events the rules allow, each framed by a newline, and bookmarks", () => {
    const text = events.map((e) => JSON.stringify(e)).join("\n") + "\n";
    for (const size of [1, 5, 100, text.length]) {
      const lines = run(new JsonWatchFilter(inDev), text, size).split("\n").filter(Boolean);
      expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([events[0], events[2], events[3]]);
    }
  });

  it("keeps a Table event's allowed rows and its column definitions", () => {
    const row = (namespace: string) => ({
      cells: [namespace],
      object: { metadata: { namespace, name: "n" } },
    });
    const first = {
      type: "ADDED",
      object: { kind: "Table", columnDefinitions: [{ name: "Name" }], rows: [row("prod")] },
    };
    const later = { type: "ADDED", object: { kind: "Table", rows: [row("prod")] } };
    const mixed = {
      type: "MODIFIED",
      object: { kind: "Table", rows: [row("dev-1"), row("prod")] },
    };
    const text = [first, later, mixed].map((e) => JSON.stringify(e)).join("\n");
    const lines = run(new JsonWatchFilter(inDev), text, 9).split("\n").filter(Boolean);
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      { ...first, object: { ...first.object, rows: [] } },
      { ...mixed, object: { ...mixed.object, rows: [row("dev-1")] } },
    ]);
  });
});
