import type { Database } from "better-sqlite3";

import {
  documentFromRow,
  documentValues,
  prefixPattern,
  type DocumentRow,
} from "./document-rows.js";
import type { DocumentRepository } from "./hub-store.js";
import type { DocumentRecord, NewDocument } from "./records.js";

const UNEXPIRED = "(expires_at IS NULL OR expires_at > ?)";

export class SqliteDocuments implements DocumentRepository {
  constructor(private readonly db: Database) {}

  get(kind: string, name: string, now: Date): Promise<DocumentRecord | undefined> {
    const row = this.db
      .prepare(`SELECT * FROM documents WHERE kind = ? AND name = ? AND ${UNEXPIRED}`)
      .get(kind, name, now.getTime()) as DocumentRow | undefined;
    return Promise.resolve(row && documentFromRow(row));
  }

  list(kind: string, now: Date, prefix = ""): Promise<DocumentRecord[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM documents WHERE kind = ? AND name LIKE ? ESCAPE '\\' AND ${UNEXPIRED}
         ORDER BY name`,
      )
      .all(kind, prefixPattern(prefix), now.getTime()) as DocumentRow[];
    return Promise.resolve(rows.map(documentFromRow));
  }

  create(document: NewDocument): Promise<DocumentRecord | undefined> {
    const row = this.db
      .prepare(
        `INSERT INTO documents (kind, name, body, expires_at, updated_at, version)
         VALUES (?, ?, ?, ?, ?, 1) ON CONFLICT (kind, name) DO NOTHING RETURNING *`,
      )
      .get(...documentValues(document)) as DocumentRow | undefined;
    return Promise.resolve(row && documentFromRow(row));
  }

  put(document: NewDocument): Promise<DocumentRecord> {
    const row = this.db
      .prepare(
        `INSERT INTO documents (kind, name, body, expires_at, updated_at, version)
         VALUES (?, ?, ?, ?, ?, 1)
         ON CONFLICT (kind, name) DO UPDATE SET body = excluded.body,
           expires_at = excluded.expires_at, updated_at = excluded.updated_at,
           version = documents.version + 1
         RETURNING *`,
      )
      .get(...documentValues(document)) as DocumentRow;
    return Promise.resolve(documentFromRow(row));
  }

  replace(document: NewDocument, version: number): Promise<DocumentRecord | undefined> {
    const [kind, name, body, expiresAt, updatedAt] = documentValues(document);
    const row = this.db
      .prepare(
        `UPDATE documents SET body = ?, expires_at = ?, updated_at = ?, version = version + 1
         WHERE kind = ? AND name = ? AND version = ? RETURNING *`,
      )
      .get(body, expiresAt, updatedAt, kind, name, version) as DocumentRow | undefined;
    return Promise.resolve(row && documentFromRow(row));
  }

  delete(kind: string, name: string): Promise<boolean> {
    const deleted = this.db
      .prepare("DELETE FROM documents WHERE kind = ? AND name = ?")
      .run(kind, name).changes;
    return Promise.resolve(deleted > 0);
  }

  deleteExpiredBefore(cutoff: Date): Promise<number> {
    const deleted = this.db
      .prepare("DELETE FROM documents WHERE expires_at IS NOT NULL AND expires_at < ?")
      .run(cutoff.getTime()).changes;
    return Promise.resolve(deleted);
  }
}
