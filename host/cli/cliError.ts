// Exit codes of `evv` (also listed in the README).
import { storageFailure } from "../storage/storageFailure.js";

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1; // something went wrong that is not the user's input
export const EXIT_USAGE = 2; // bad arguments or options
export const EXIT_BAD_INPUT = 3; // a file or record failed validation; nothing was written
export const EXIT_DEVICE = 4; // the device or link failed (dropped, garbage, timeout)
export const EXIT_REJECTED = 5; // a code, frame or visit did not verify
export const EXIT_ENVIRONMENT = 6; // storage unavailable: read-only, disk full, database locked by another writer, I/O error

/** An error the CLI reports as one clear line with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** A failure (not a usage error of commander's) as `evv` reports it: its words and its exit code. */
export function cliFailure(error: unknown): { message: string; exitCode: number } {
  if (error instanceof CliError) return { message: error.message, exitCode: error.exitCode };
  const storage = storageFailure(error);
  return { message: storage ?? (error as { message?: string }).message ?? String(error), exitCode: storage ? EXIT_ENVIRONMENT : EXIT_FAILURE };
}
