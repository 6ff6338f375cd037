import { readFile } from "node:fs/promises";

import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from "yaml";

import { ConfigError, ConfigErrorCode } from "./errors.js";

export type YamlPath = readonly (string | number)[];

/** A parsed YAML document that can say on which line each field was written. */
export interface YamlFile {
  path: string;
  values: unknown;
  /** 1-based line of the field at `path` (of its key, for map entries). */
  lineOf(path: YamlPath): number | undefined;
}

function keyLine(doc: Document, lines: LineCounter, path: YamlPath): number | undefined {
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
  const last = path.at(-1);
  if (isMap(parent)) {
    const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === last);
    const offset = (pair?.key as Node | undefined)?.range?.[0];
    if (offset !== undefined) return lines.linePos(offset).line;
  }
  const node = doc.getIn(path, true) as Node | undefined;
  const offset = node?.range?.[0];
  return offset === undefined ? undefined : lines.linePos(offset).line;
}

export function parseYaml(text: string, path: string): YamlFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const [first] = doc.errors;
  if (first) {
    const line = lines.linePos(first.pos[0]).line;
    throw new ConfigError(
      ConfigErrorCode.InvalidFile,
      [
        {
          field: "(file)",
          source: `${path} line ${line}`,
          reason: first.message.split("\n")[0] ?? "",
        },
      ],
      `${path} is not valid YAML`,
    );
  }
  return { path, values: doc.toJS() as unknown, lineOf: (p) => keyLine(doc, lines, p) };
}

export async function readYamlFile(path: string): Promise<YamlFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ConfigError(
      ConfigErrorCode.InvalidFile,
      [{ field: "(file)", source: path, reason: (error as Error).message }],
      `cannot read ${path}`,
    );
  }
  return parseYaml(text, path);
}

/** "hub.yaml line 3", or just the path when the line is unknown. */
export function yamlSource(file: YamlFile, path: YamlPath): string {
  const line = file.lineOf(path);
  return line === undefined ? file.path : `${file.path} line ${line}`;
}
