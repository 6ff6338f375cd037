import type { DocumentRecord, NewDocument } from "./records.js";

// Documents as both stores keep them.

export interface DocumentRow {
  kind: string;
  name: string;
  body: string;
  version: number | string;
  expires_at: number | string | null;
  updated_at: number | string;
}

export const documentFromRow = (row: DocumentRow): DocumentRecord => ({
  kind: row.kind,
  name: row.name,
  body: row.body,
  version: Number(row.version),
  expiresAt: row.expires_at === null ? undefined : new Date(Number(row.expires_at)),
  updatedAt: new Date(Number(row.updated_at)),
});

/** kind, name, body, expires_at, updated_at: the order every statement binds them in. */
export const documentValues = (document: NewDocument): (string | number | null)[] => [
  document.kind,
  document.name,
  document.body,
  document.expiresAt?.getTime() ?? null,
  document.updatedAt.getTime(),
];

/** A LIKE pattern matching names that start with `prefix`, with its wildcards escaped. */
export const prefixPattern = (prefix: string): string =>
  `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
