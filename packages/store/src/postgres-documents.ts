import {
  documentFromRow,
  documentValues,
  prefixPattern,
  type DocumentRow,
} from "./document-rows.js";
import type { DocumentRepository } from "./hub-store.js";
import type { PostgresDatabase } from "./postgres-database.js";
import type { DocumentRecord, NewDocument } from "./records.js";

export class PostgresDocuments implements DocumentRepository {
  constructor(private readonly db: PostgresDatabase) {}

  async get(kind: string, name: string, now: Date): Promise<DocumentRecord | undefined> {
    const { rows } = await this.db.query<DocumentRow>(
      `SELECT * FROM documents WHERE kind = $1 AND name = $2
         AND (expires_at IS NULL OR expires_at > $3)`,
      [kind, name, now.getTime()],
    );
    return rows[0] && documentFromRow(rows[0]);
  }

  async list(kind: string, now: Date, prefix = ""): Promise<DocumentRecord[]> {
    const { rows } = await this.db.query<DocumentRow>(
      `SELECT * FROM documents WHERE kind = $1 AND name LIKE $2 ESCAPE '\\'
         AND (expires_at IS NULL OR expires_at > $3) ORDER BY name`,
      [kind, prefixPattern(prefix), now.getTime()],
    );
    return rows.map(documentFromRow);
  }

  async create(document: NewDocument): Promise<DocumentRecord | undefined> {
    const { rows } = await this.db.query<DocumentRow>(
      `INSERT INTO documents (kind, name, body, expires_at, updated_at, version)
       VALUES ($1, $2, $3, $4, $5, 1) ON CONFLICT (kind, name) DO NOTHING RETURNING *`,
      documentValues(document),
    );
    return rows[0] && documentFromRow(rows[0]);
  }

  async put(document: NewDocument): Promise<DocumentRecord> {
    const { rows } = await this.db.query<DocumentRow>(
      `INSERT INTO documents (kind, name, body, expires_at, updated_at, version)
       VALUES ($1, $2, $3, $4, $5, 1)
       ON CONFLICT (kind, name) DO UPDATE SET body = excluded.body,
         expires_at = excluded.expires_at, updated_at = excluded.updated_at,
         version = documents.version + 1
       RETURNING *`,
      documentValues(document),
    );
    const [row] = rows;
    if (row === undefined) throw new Error("INSERT … RETURNING returned no row");
    return documentFromRow(row);
  }

  async replace(document: NewDocument, version: number): Promise<DocumentRecord | undefined> {
    const [kind, name, body, expiresAt, updatedAt] = documentValues(document);
    const { rows } = await this.db.query<DocumentRow>(
      `UPDATE documents SET body = $1, expires_at = $2, updated_at = $3, version = version + 1
       WHERE kind = $4 AND name = $5 AND version = $6 RETURNING *`,
      [body, expiresAt, updatedAt, kind, name, version],
    );
    return rows[0] && documentFromRow(rows[0]);
  }

  async delete(kind: string, name: string): Promise<boolean> {
    const result = await this.db.query("DELETE FROM documents WHERE kind = $1 AND name = $2", [
      kind,
      name,
    ]);
    return (result.rowCount ?? 0) > 0;
  }

  async deleteExpiredBefore(cutoff: Date): Promise<number> {
    const result = await this.db.query(
      "DELETE FROM documents WHERE expires_at IS NOT NULL AND expires_at < $1",
      [cutoff.getTime()],
    );
    return result.rowCount ?? 0;
  }
}
