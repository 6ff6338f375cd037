import { randomBytes } from "node:crypto";

import pg from "pg";

import type { ChangeFeed, StoreChange } from "./hub-store.js";
import type { PostgresDatabase } from "./postgres-database.js";

const CHANNEL = "warren_changes";
/** NOTIFY payloads must stay under 8000 bytes; a longer user list becomes "re-check all". */
const MAX_PAYLOAD_BYTES = 7000;
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 5_000;

interface Envelope {
  origin: string;
  change: StoreChange;
}

function encode(origin: string, change: StoreChange): string {
  const payload = JSON.stringify({ origin, change } satisfies Envelope);
  if (Buffer.byteLength(payload) <= MAX_PAYLOAD_BYTES) return payload;
  return JSON.stringify({ origin, change: { kind: "resync" } } satisfies Envelope);
}

/**
 * LISTEN/NOTIFY: a change committed on one replica reaches every other within a round trip,
 * no polling. One dedicated connection listens; when it drops, it reconnects and reports a
 * resync, because notifications sent meanwhile are lost.
 */
export class PostgresChangeFeed implements ChangeFeed {
  /** Tells this replica's own notifications from the others'. */
  private readonly origin = randomBytes(8).toString("hex");
  private readonly listeners = new Set<(change: StoreChange) => void>();
  private client: pg.Client | undefined;
  private closed = false;
  private reconnectMs = RECONNECT_MIN_MS;
  private retry: NodeJS.Timeout | undefined;
  private markListening: () => void = () => undefined;
  private readonly firstListen = new Promise<void>((resolve) => (this.markListening = resolve));

  constructor(private readonly db: PostgresDatabase) {}

  async publish(change: StoreChange): Promise<void> {
    await this.db.query("SELECT pg_notify($1, $2)", [CHANNEL, encode(this.origin, change)]);
  }

  subscribe(listener: (change: StoreChange) => void): () => void {
    this.listeners.add(listener);
    if (this.client === undefined && this.retry === undefined) void this.listen(false);
    return () => this.listeners.delete(listener);
  }

  listening(): Promise<void> {
    return this.firstListen;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
  }

  private async listen(resumed: boolean): Promise<void> {
    this.retry = undefined;
    const client = new pg.Client(this.db.clientConfig());
    client.on("notification", (message) => {
      if (message.channel === CHANNEL && message.payload) this.deliver(message.payload);
    });
    client.on("error", () => {
      this.lost(client);
    });
    client.on("end", () => {
      this.lost(client);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
    } catch {
      this.lost(client);
      return;
    }
    if (this.closed) return void client.end().catch(() => undefined);
    this.client = client;
    this.reconnectMs = RECONNECT_MIN_MS;
    this.markListening();
    if (resumed) this.emit({ kind: "resync" });
  }

  private lost(client: pg.Client): void {
    if (this.client !== undefined && this.client !== client) return;
    this.client = undefined;
    client.removeAllListeners("end");
    client.end().catch(() => undefined);
    if (this.closed || this.retry !== undefined) return;
    this.retry = setTimeout(() => void this.listen(true), this.reconnectMs);
    this.reconnectMs = Math.min(this.reconnectMs * 2, RECONNECT_MAX_MS);
  }

  private deliver(payload: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(payload) as Envelope;
    } catch {
      return; // Not ours: someone else NOTIFYing on the channel.
    }
    if (envelope.origin !== this.origin) this.emit(envelope.change);
  }

  private emit(change: StoreChange): void {
    for (const listener of this.listeners) listener(change);
  }
}
