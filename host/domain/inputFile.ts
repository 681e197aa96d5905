// Reads an input file (JSON array, or JSON Lines for a reader's visit log) and validates it with
// a zod schema; errors name the file, the record and the field.
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import type { z } from "zod";
import { describeJsonSyntaxProblem } from "./jsonSyntaxProblem.js";

export class InputFileError extends Error {}

export interface ValidatedFile<T> {
  records: T[];
  sha256: string;
}

export function describeIssue(label: string, issue: z.core.$ZodIssue): string {
  const path = issue.path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
  return `${label}${path}: ${issue.message}`;
}

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new InputFileError(`${path}: cannot read (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
  }
}

/** A JSON file validated as a whole (an array of records for the import files). */
export function readJsonFile<S extends z.ZodType>(path: string, schema: S): { data: z.infer<S>; sha256: string } {
  const text = readText(path);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new InputFileError(describeJsonSyntaxProblem(path, text, error as Error));
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new InputFileError(parsed.error.issues.slice(0, 5).map((i) => describeIssue(path, i)).join("\n"));
  return { data: parsed.data as z.infer<S>, sha256: createHash("sha256").update(text).digest("hex") };
}

/** JSON Lines (one record a line, blank lines skipped), or a JSON array when the file starts with '['. */
export function readJsonLinesFile<S extends z.ZodType>(path: string, schema: S): ValidatedFile<z.infer<S>> {
  const text = readText(path);
  const sha256 = createHash("sha256").update(text).digest("hex");
  let items: { raw: unknown; label: string }[];
  if (text.trimStart().startsWith("[")) {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      throw new InputFileError(describeJsonSyntaxProblem(path, text, error as Error));
    }
    if (!Array.isArray(raw)) throw new InputFileError(`${path}: must be a JSON array or JSON Lines`);
    items = raw.map((r, i) => ({ raw: r, label: `${path}[${i}]` }));
  } else {
    items = [];
    const lines = text.split("\n");
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i].trim();
      if (line === "") continue;
      try {
        items.push({ raw: JSON.parse(line), label: `${path}:${i + 1}` });
      } catch (error) {
        throw new InputFileError(describeJsonSyntaxProblem(path, lines[i], error as Error, i + 1));
      }
    }
  }
  if (items.length === 0) throw new InputFileError(`${path}: holds no records`);
  const records: z.infer<S>[] = [];
  const problems: string[] = [];
  for (const item of items) {
    const parsed = schema.safeParse(item.raw);
    if (parsed.success) records.push(parsed.data as z.infer<S>);
    else for (const issue of parsed.error.issues) if (problems.length < 5) problems.push(describeIssue(item.label, issue));
  }
  if (problems.length > 0) throw new InputFileError(problems.join("\n"));
  return { records, sha256 };
}
