// CSV input for the files that are naturally tables (authorizations, clients): each row is
// mapped onto the JSON record shape and validated by the same zod schema, so errors name the
// row and the field just as for JSON.
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { parse } from "csv-parse/sync";
import type { z } from "zod";
import { InputFileError, describeIssue } from "./inputFile.js";

type CsvRow = Record<string, string>;

const blank = (value: string | undefined): string | undefined => (value === undefined || value.trim() === "" ? undefined : value.trim());

/** "12" → 12; blank → undefined; anything else stays a string so the schema names it. */
export function csvNumber(value: string | undefined): number | string | undefined {
  const text = blank(value);
  if (text === undefined) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

/** true/false, yes/no, 1/0 (any case); blank → undefined; anything else stays a string. */
export function csvBoolean(value: string | undefined): boolean | string | undefined {
  const text = blank(value)?.toLowerCase();
  if (text === undefined) return undefined;
  if (["true", "yes", "y", "1"].includes(text)) return true;
  if (["false", "no", "n", "0"].includes(text)) return false;
  return text;
}

export const csvText = blank;

/** Reads a CSV file with a header row, maps each row and validates the whole set with `schema`. */
export function readCsvFile<S extends z.ZodType>(path: string, requiredColumns: readonly string[], toRecord: (row: CsvRow) => unknown, schema: S): { data: z.infer<S>; sha256: string } {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new InputFileError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
  let rows: CsvRow[];
  try {
    rows = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as CsvRow[];
  } catch (error) {
    throw new InputFileError(`${path}: not valid CSV (${(error as Error).message})`);
  }
  if (rows.length > 0) {
    const missing = requiredColumns.filter((c) => !(c in rows[0]));
    if (missing.length > 0) throw new InputFileError(`${path}: missing column(s) ${missing.join(", ")}`);
  }
  const parsed = schema.safeParse(rows.map(toRecord));
  if (!parsed.success)
    throw new InputFileError(
      parsed.error.issues
        .slice(0, 5)
        .map((issue) => {
          const [index, ...rest] = issue.path;
          // Row numbers as a spreadsheet shows them: the header is row 1.
          return typeof index === "number" ? describeIssue(`${path} row ${index + 2}`, { ...issue, path: rest }) : describeIssue(path, issue);
        })
        .join("\n"),
    );
  return { data: parsed.data as z.infer<S>, sha256: createHash("sha256").update(text).digest("hex") };
}
