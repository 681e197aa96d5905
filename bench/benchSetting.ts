// The benches' settings from the environment (BENCH_*): a value the setting does not take ends
// the bench with a message naming the variable, instead of running on NaN or on nothing.
import { z } from "zod";

/** A count: a whole number, 0 or more. */
export const count = z.number().refine((n) => Number.isInteger(n) && n >= 0, "must be a whole number, 0 or more");
/** A whole number above 0. */
export const positive = z.number().refine((n) => Number.isInteger(n) && n > 0, "must be a whole number above 0");
/** A duration that may be none: a number, 0 or more. */
export const notNegative = z.number().refine((n) => n >= 0, "must be a number, 0 or more");
/** A rate or duration: a number above 0. */
export const aboveZero = z.number().refine((n) => n > 0, "must be a number above 0");
/** A SQLite page size: a power of two from 512 to 65,536. */
export const sqlitePageSize = z
  .number()
  .refine((n) => Number.isInteger(n) && n >= 512 && n <= 65_536 && (n & (n - 1)) === 0, "must be a power of two from 512 to 65536");

function parsed(name: string, raw: string, schema: z.ZodType<number>): number {
  const value = raw.trim() === "" ? Number.NaN : Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${name}=${JSON.stringify(raw)}: not a number`);
  const result = schema.safeParse(value);
  if (!result.success) throw new Error(`${name}=${JSON.stringify(raw)}: ${result.error.issues[0]?.message ?? "not a valid value"}`);
  return result.data;
}

/** The number in the environment variable `name`, or `fallback` when it is not set. */
export function benchNumber(name: string, fallback: number, schema: z.ZodType<number>): number {
  const raw = process.env[name];
  return raw === undefined ? fallback : parsed(name, raw, schema);
}

/** The number in `name`, or undefined when it is not set. */
export function optionalBenchNumber(name: string, schema: z.ZodType<number>): number | undefined {
  const raw = process.env[name];
  return raw === undefined ? undefined : parsed(name, raw, schema);
}

/** A comma-separated list of numbers in `name` (empty when it is not set). */
export function benchNumberList(name: string, schema: z.ZodType<number>): number[] {
  const raw = process.env[name];
  if (raw === undefined) return [];
  return raw.split(",").filter((item) => item.trim() !== "").map((item) => parsed(name, item, schema));
}
