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

function newClient() {
  const fresh = new pg.Client({
    connectionString: connection.url,
    types,
    application_name: "evv",
    connectionTimeoutMillis: 10_000,
    options: connection.readOnly ? "-c default_transaction_read_only=on" : undefined,
  });
  fresh.on("error", (error) => {
    if (fresh === client) broken = { message: `the connection dropped: ${error.message}`, code: error.code ?? "08006" };
  });
  return fresh;
}

let client = newClient();
/** Set when the connection failed or dropped: answered to every request until a new connection is made. */
let broken = null;
/** Whether a transaction is open on the connection (BEGIN sent, COMMIT or ROLLBACK not yet). */
let inTransaction = false;
/** The lock timeout the connection has (its first, or the last `SET lock_timeout`), set again on a new connection. */
let lockTimeoutMs = connection.lockTimeoutMs;

async function connect() {
  await client.connect();
  if (lockTimeoutMs !== undefined) await client.query(`SET lock_timeout = ${Math.floor(lockTimeoutMs)}`);
}

/** What a request does to the connection's transaction: "begin", "commit", "rollback" (the whole one, not to a savepoint), or null. */
function transactionEdge(request) {
  if (request.op !== "exec") return null;
  if (/^\s*BEGIN\b/i.test(request.sql)) return "begin";
  const end = /^\s*(COMMIT|ROLLBACK)\s*;?\s*$/i.exec(request.sql);
  return end ? end[1].toLowerCase() : null;
}

/**
 * After the connection dropped (a server restart, a standby taking over, a terminated backend):
 * the open transaction, if any, has failed as a whole, so its statements up to its end are
 * answered with the failure (its ROLLBACK as done: the server rolled it back). The next request
 * outside a transaction is run on a new connection; if that cannot be made, it is answered with
 * why, and the one after tries again.
 */
async function afterDrop(request) {
  const edge = transactionEdge(request);
  const ending = edge === "commit" || edge === "rollback";
  if (inTransaction) {
    if (ending) inTransaction = false;
    return edge === "rollback" ? done(request.id) : { id: request.id, ok: false, error: broken };
  }
  if (ending) return done(request.id);
  client.end().catch(() => {});
  client = newClient();
  try {
    await connect();
  } catch (error) {
    client.end().catch(() => {});
    broken = failure(error);
    return { id: request.id, ok: false, error: broken };
  }
  broken = null;
  return null;
}

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
  if (broken && request.op !== "close" && request.op !== "connect") {
    const refused = await afterDrop(request);
    if (refused) return refused;
  }
  switch (request.op) {
    case "connect":
      await connect();
      return done(request.id);
    case "exec": {
      const edge = transactionEdge(request);
      if (edge) inTransaction = edge === "begin";
      const timeout = /^\s*SET lock_timeout = (\d+)\s*$/i.exec(request.sql);
      if (timeout) lockTimeoutMs = Number(timeout[1]);
      await client.query(request.sql);
      return done(request.id);
    }
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
      // A failed first connection, or one that dropped under this request: the next request makes a new one.
      if (request.op === "connect" || reply.error.message.startsWith("the connection dropped")) broken ??= reply.error;
    }
    answer(reply);
    if (request.op === "close") port.close();
  });
});
