// The host's statements (SQLite dialect) as PostgreSQL runs them: `?` and `@name` parameters
// become `$n` (SQLite's null-safe `x IS ?` becomes IS NOT DISTINCT FROM), `INSERT OR IGNORE`
// becomes `ON CONFLICT DO NOTHING`, an INSERT into a table with an integer key the database
// assigns gets `RETURNING` that key (for `lastInsertRowid`), mixed-case aliases are quoted, and
// text bound to a column that holds text or bytes (BYTEA here) is bound as its UTF-8 bytes.
// Everything else the host writes is SQL both engines read alike (ON CONFLICT ... excluded.x,
// coalesce, CASE, LIKE, IN lists). An INSERT into a table partitioned by month names the values
// of its partition column (their months get partitions first), and a script's UNIQUE index on
// such a table without the partition column is an ordinary one (translateScript).

import { MONTH_PARTITIONED } from "./monthPartitions.js";

export interface TranslatedStatement {
  sql: string;
  /** For `@name` parameters: the name of each `$n` in order (null: positional). */
  names: string[] | null;
  /** How many `$n` a positional statement takes. */
  count: number;
  /** The key column RETURNING adds (lastInsertRowid), or null. */
  returnsKey: string | null;
  /** Positions (0-based) of parameters bound to BYTEA columns. */
  byteParams: number[];
  /** The statement changes rows (INSERT, UPDATE, DELETE): may be sent without waiting inside a transaction. */
  writes: boolean;
  /** An INSERT into a table partitioned by month: the table and the positions (0-based) of the values of its partition column, whose months must have partitions first. */
  partitioned: { table: string; positions: number[] } | null;
}

/** Tables whose INTEGER PRIMARY KEY the database assigns (SQLite's rowid alias; an identity column here). */
export const GENERATED_KEYS: Readonly<Record<string, string>> = {
  device_assignments: "assignment_id",
  clock_observations: "observation_id",
  verify_runs: "run_id",
  audit_log: "seq",
  manual_visits: "entry_id",
  typed_throttle_resets: "reset_id",
};

/** Columns that hold text or bytes on SQLite (dynamic typing) and are BYTEA on PostgreSQL. */
export const BYTE_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  audit_log: ["body"],
};

/** Rewrites one statement; throws on SQLite-only syntax that has no translation here. */
export function translateStatement(source: string): TranslatedStatement {
  let sql = source.trim().replace(/;\s*$/, "");
  let ignore = false;
  if (/^INSERT\s+OR\s+IGNORE\s+INTO\b/i.test(sql)) {
    sql = sql.replace(/^INSERT\s+OR\s+IGNORE\s+INTO\b/i, "INSERT INTO");
    ignore = true;
  }
  if (/^INSERT\s+OR\s+REPLACE\b/i.test(sql) || /\browid\b/i.test(stripLiterals(sql))) throw new Error(`SQLite-only SQL the PostgreSQL engine does not translate: ${source.trim().slice(0, 120)}`);
  const { text, names, count } = numberParameters(sql);
  sql = quoteMixedCaseAliases(text);
  const insert = /^INSERT\s+INTO\s+(\w+)\s*\(([^)]*)\)/i.exec(sql);
  let returnsKey: string | null = null;
  const byteParams: number[] = [];
  let partitioned: TranslatedStatement["partitioned"] = null;
  if (insert) {
    const table = insert[1].toLowerCase();
    const columns = insert[2].split(",").map((c) => c.trim().toLowerCase());
    if (ignore) sql += " ON CONFLICT DO NOTHING";
    const key = GENERATED_KEYS[table];
    if (key && !columns.includes(key)) {
      sql += ` RETURNING ${key}`;
      returnsKey = key;
    }
    const bytes = BYTE_COLUMNS[table];
    // Only VALUES of parameters, one tuple or many (count / columns of them), are bound this way.
    const tuples = /\bVALUES\s*([()$\d,\s]+?)\s*(ON CONFLICT\b.*|RETURNING\b.*)?$/is.test(sql) && count % columns.length === 0 ? count / columns.length : 0;
    if (bytes && names === null)
      for (const column of bytes) if (columns.includes(column)) for (let t = 0; t < tuples; t++) byteParams.push(t * columns.length + columns.indexOf(column));
    const partitionColumn = MONTH_PARTITIONED[table];
    if (partitionColumn && columns.includes(partitionColumn)) partitioned = { table, positions: parametersOfColumn(sql, columns.indexOf(partitionColumn)) };
  } else if (/^UPDATE\s+(\w+)\s+SET\b/i.test(sql) && names === null) {
    const table = /^UPDATE\s+(\w+)/i.exec(sql)![1].toLowerCase();
    for (const column of BYTE_COLUMNS[table] ?? []) for (const m of sql.matchAll(new RegExp(`\\b${column}\\s*=\\s*\\$(\\d+)`, "gi"))) byteParams.push(Number(m[1]) - 1);
  } else if (ignore) throw new Error(`INSERT OR IGNORE without a column list: ${source.trim().slice(0, 120)}`);
  return { sql, names, count, returnsKey, byteParams, writes: /^(INSERT|UPDATE|DELETE)\b/i.test(sql), partitioned };
}

/**
 * The parameter positions (0-based) an INSERT's VALUES tuples give column `index`. A value that
 * is not a parameter is left out: a row whose month has no partition is refused by the server
 * (no partition of relation found for row), never stored elsewhere.
 */
function parametersOfColumn(sql: string, index: number): number[] {
  const values = /\bVALUES\s*(.*)$/is.exec(sql);
  if (!values) return [];
  const positions: number[] = [];
  for (const tuple of values[1].matchAll(/\(([^()]*)\)/g)) {
    const m = /^\s*\$(\d+)\s*$/.exec(tuple[1].split(",")[index] ?? "");
    if (m) positions.push(Number(m[1]) - 1);
  }
  return positions;
}

/**
 * A script (`exec`) as PostgreSQL runs it: a UNIQUE index on a table partitioned by month whose
 * columns lack the partition column is an ordinary index there (such a unique index cannot
 * exist on a partitioned table); the uniqueness is kept by the table's key table instead
 * (monthPartitions.ts: visit_keys for visits_by_id). `isPartitioned` asks the server.
 */
export function translateScript(sql: string, isPartitioned: (table: string) => boolean): string {
  return sql.replace(/\bCREATE\s+UNIQUE\s+INDEX\s+(\w+)\s+ON\s+(\w+)\s*\(([^)]*)\)/gi, (all, index: string, table: string, columns: string) => {
    const partitionColumn = MONTH_PARTITIONED[table.toLowerCase()];
    if (!partitionColumn || columns.split(",").some((c) => c.trim().toLowerCase() === partitionColumn) || !isPartitioned(table.toLowerCase())) return all;
    return `CREATE INDEX ${index} ON ${table}(${columns})`;
  });
}

/**
 * `AS checkIn` → `AS "checkIn"`: PostgreSQL folds unquoted names to lower case, SQLite keeps the
 * alias as written, and the host reads rows by their camelCase aliases.
 */
function quoteMixedCaseAliases(sql: string): string {
  return sql
    .split(/('(?:[^']|'')*'|"(?:[^"]|"")*")/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/\b(AS\s+)([A-Za-z_][A-Za-z0-9_]*)\b/gi, (all, as: string, name: string) => (/[a-z]/.test(name) && /[A-Z]/.test(name) ? `${as}"${name}"` : all))))
    .join("");
}

/** The SQL with string literals, quoted identifiers and comments blanked (for searching it). */
function stripLiterals(sql: string): string {
  return sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*/g, " ");
}

/** `?` → `$1, $2, ...` in order; `@name` → one `$n` per distinct name. Literals, quoted names and comments are left alone. */
function numberParameters(sql: string): { text: string; names: string[] | null; count: number } {
  const names: string[] = [];
  let positional = 0;
  let out = "";
  let i = 0;
  while (i < sql.length) {
    const ch = sql[i];
    if (ch === "'" || ch === '"') {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === ch && sql[j + 1] !== ch)) j += sql[j] === ch ? 2 : 1;
      out += sql.slice(i, j + 1);
      i = j + 1;
    } else if (ch === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      const j = end === -1 ? sql.length : end;
      out += sql.slice(i, j);
      i = j;
    } else if (ch === "?") {
      // SQLite's null-safe `x IS ?` / `x IS NOT ?`: PostgreSQL's IS [NOT] DISTINCT FROM.
      // Looked for in the source before the `?` (the same characters `out` ends with: words and
      // spaces are copied as they are), which is a flat string; `out`, built by appending, would
      // be flattened by every look at its end.
      const comparison = nullSafeComparisonBefore(sql, i);
      if (comparison) out = out.slice(0, out.length - (i - comparison.start)) + (comparison.not ? "IS DISTINCT FROM " : "IS NOT DISTINCT FROM ");
      out += `$${++positional}`;
      i++;
    } else if (ch === "@" && /[A-Za-z_]/.test(sql[i + 1] ?? "")) {
      const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1))![0];
      let n = names.indexOf(name);
      if (n === -1) n = names.push(name) - 1;
      out += `$${n + 1}`;
      i += 1 + name.length;
    } else {
      out += ch;
      i++;
    }
  }
  if (positional > 0 && names.length > 0) throw new Error(`a statement mixes ? and @name parameters: ${sql.slice(0, 120)}`);
  return { text: out, names: names.length > 0 ? names : null, count: positional };
}

/**
 * Whether `text` just before `end` reads `IS ` or `IS NOT ` (any case, any whitespace after each
 * word, a word boundary before IS): the index of the I, and whether NOT is there. Read backwards
 * from `end`, so that a statement of many thousand `?` (a multi-row INSERT) is translated in
 * linear time; a regex anchored at the end would be tried from every position, once for every `?`.
 */
function nullSafeComparisonBefore(text: string, end: number): { start: number; not: boolean } | null {
  const word = (wordEnd: number, expected: string): number | null => {
    const start = wordEnd - expected.length;
    if (start < 0 || text.slice(start, wordEnd).toUpperCase() !== expected) return null;
    return start > 0 && /\w/.test(text[start - 1]) ? null : start;
  };
  const skipSpace = (from: number): number => {
    let i = from;
    while (i > 0 && /\s/.test(text[i - 1])) i--;
    return i;
  };
  const afterLast = skipSpace(end);
  if (afterLast === end) return null;
  const is = word(afterLast, "IS");
  if (is !== null) return { start: is, not: false };
  const not = word(afterLast, "NOT");
  if (not === null) return null;
  const beforeNot = skipSpace(not);
  if (beforeNot === not) return null;
  const isBeforeNot = word(beforeNot, "IS");
  return isBeforeNot === null ? null : { start: isBeforeNot, not: true };
}

/** better-sqlite3's calling forms (spread values, one array, or one object of named values) as the `$n` values. */
export function bindValues(statement: TranslatedStatement, params: unknown[]): unknown[] {
  let values: unknown[];
  if (statement.names !== null) {
    const named = (params[0] ?? {}) as Record<string, unknown>;
    values = statement.names.map((name) => {
      if (!(name in named)) throw new RangeError(`missing named parameter "${name}"`);
      return named[name];
    });
  } else {
    values = params.length === 1 && Array.isArray(params[0]) ? (params[0] as unknown[]) : params;
    if (values.length !== statement.count) throw new RangeError(`too ${values.length < statement.count ? "few" : "many"} parameter values were provided (${values.length} for ${statement.count})`);
  }
  return values.map((value, i) => bindable(value, statement.byteParams.includes(i)));
}

function bindable(value: unknown, bytes: boolean): unknown {
  if (value === undefined) return null;
  if (typeof value === "boolean") return value ? 1 : 0;
  if (typeof value === "bigint") return value.toString();
  if (bytes && typeof value === "string") return Buffer.from(value, "utf8");
  if (value instanceof Uint8Array && !Buffer.isBuffer(value)) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return value;
}
