// EVV records as CSV (one row a visit; lists joined with ';') or as a JSON array.
import { stringify } from "csv-stringify/sync";
import { EVV_RECORD_CSV_COLUMNS, type EvvRecord } from "./evvRecord.js";

export function evvRecordsCsv(records: Iterable<EvvRecord>): string {
  const rows: (string | number)[][] = [];
  for (const r of records) rows.push(EVV_RECORD_CSV_COLUMNS.map((c) => (Array.isArray(r[c]) ? (r[c] as string[]).join(";") : (r[c] as string | number))));
  return stringify(rows, { header: true, columns: EVV_RECORD_CSV_COLUMNS as string[] });
}

export function evvRecordsJson(records: Iterable<EvvRecord>): string {
  return JSON.stringify([...records], null, 2) + "\n";
}
