// What a PostgresDatabase and its connection thread (postgresWorker.ts) say to each other.
import type { MessagePort } from "node:worker_threads";

export interface PostgresConnectionSettings {
  url: string;
  /** Every transaction READ ONLY (the reports' connection). */
  readOnly: boolean;
  /** How long a statement waits for a lock (SQLite's busy_timeout): then it fails, exit 6. */
  lockTimeoutMs?: number;
}

export interface PostgresWorkerData {
  port: MessagePort;
  /** [0]: answers posted so far (the caller waits on it). */
  signal: Int32Array;
  connection: PostgresConnectionSettings;
}

export type PostgresRequest =
  | { id: number; op: "connect" }
  | { id: number; op: "close" }
  | { id: number; op: "exec"; sql: string }
  /** COPY ... FROM STDIN with `data` (COPY's text format) as its input. */
  | { id: number; op: "copy"; sql: string; data: string }
  | { id: number; op: "query"; sql: string; values: unknown[]; rowMode: "array" | "object"; wantRows: boolean; /** A prepared statement's name: parsed and planned once per connection. */ name?: string };

export type PostgresAnswer =
  | { id: number; ok: true; rows: unknown[]; rowCount: number; /** Fields holding bytes (index in array mode, name otherwise). */ bytes: string[]; lastRow?: unknown }
  | { id: number; ok: false; error: { message: string; code: string; detail?: string } };
