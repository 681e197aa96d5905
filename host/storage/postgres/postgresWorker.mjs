// The thread that owns one PostgreSQL connection (`pg`, node-postgres) for a PostgresDatabase in
// another thread (postgresDatabase.ts; the messages are typed in workerMessages.ts). Requests
// arrive on a MessagePort and run one after another, in order, on the connection; each answer is
// posted back and a shared counter bumped and notified, which wakes the caller blocked in
// Atomics.wait. Values come back as SQLite's would: BIGINT and NUMERIC as numbers, booleans as 1
// and 0, BYTEA as bytes. Plain JavaScript so that it loads without a TypeScript loader, in any
// thread (the intake service's commit thread opens its own connection).
import { workerData } from "node:worker_threads";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";

const { port, signal, connection } = workerData;

const types = {
  getTypeParser(oid, format) {
    if (format !== "binary") {
      if (oid === 20 || oid === 1700) return (value) => Number(value);
      if (oid === 16) return (value) => (value === "t" ? 1 : 0);
    }
    return pg.types.getTypeParser(oid, format ?? "text");
  },
};

const client = new pg.Client({
  connectionString: connection.url,
  types,
  application_name: "evv",
  connectionTimeoutMillis: 10_000,
  options: connection.readOnly ? "-c default_transaction_read_only=on" : undefined,
});
/** Set when the connection failed or dropped: every later request is answered with it. */
let broken = null;
client.on("error", (error) => {
  broken = { message: `the connection dropped: ${error.message}`, code: error.code ?? "08006" };
});

function answer(message) {
  port.postMessage(message);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

function failure(error) {
  const message = error?.message ?? String(error);
  const dropped = /Connection terminated|Client was closed|not queryable|ECONNRESET/i.test(message);
  return { message: dropped && !message.startsWith("the connection dropped") ? `the connection dropped: ${message}` : message, code: error?.code ?? (dropped ? "08006" : "XX000"), ...(error?.detail ? { detail: error.detail } : {}) };
}

const done = (id) => ({ id, ok: true, rows: [], rowCount: 0, bytes: [] });

async function handle(request) {
  if (broken && request.op !== "close") return { id: request.id, ok: false, error: broken };
  switch (request.op) {
    case "connect":
      await client.connect();
      if (connection.lockTimeoutMs !== undefined) await client.query(`SET lock_timeout = ${Math.floor(connection.lockTimeoutMs)}`);
      return done(request.id);
    case "exec":
      await client.query(request.sql);
      return done(request.id);
    case "query": {
      const values = request.values.map((v) => (v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v));
      const arrays = request.rowMode === "array";
      const result = await client.query({ name: request.name, text: request.sql, values, rowMode: arrays ? "array" : undefined });
      const fields = result.fields ?? [];
      const bytes = [];
      fields.forEach((f, i) => {
        if (f.dataTypeID === 17) bytes.push(arrays ? String(i) : f.name);
      });
      const rows = result.rows ?? [];
      return request.wantRows
        ? { id: request.id, ok: true, rows, rowCount: result.rowCount ?? 0, bytes }
        : { id: request.id, ok: true, rows: [], rowCount: result.rowCount ?? 0, bytes, lastRow: rows.at(-1) };
    }
    case "copy": {
      const stream = client.query(copyFrom(request.sql));
      await pipeline(Readable.from([request.data]), stream);
      return { id: request.id, ok: true, rows: [], rowCount: stream.rowCount ?? 0, bytes: [] };
    }
    case "close":
      await client.end().catch(() => {});
      return done(request.id);
  }
  return { id: request.id, ok: false, error: { message: `unknown request ${request.op}`, code: "XX000" } };
}

let queue = Promise.resolve();
port.on("message", (request) => {
  queue = queue.then(async () => {
    let reply;
    try {
      reply = await handle(request);
    } catch (error) {
      reply = { id: request.id, ok: false, error: failure(error) };
      if (request.op === "connect") broken = reply.error;
    }
    answer(reply);
    if (request.op === "close") port.close();
  });
});
