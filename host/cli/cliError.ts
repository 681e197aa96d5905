// Exit codes of `evv` (also listed in the README).
export const EXIT_OK = 0;
export const EXIT_FAILURE = 1; // something went wrong that is not the user's input
export const EXIT_USAGE = 2; // bad arguments or options
export const EXIT_BAD_INPUT = 3; // a file or record failed validation; nothing was written
export const EXIT_DEVICE = 4; // the device or link failed (dropped, garbage, timeout)
export const EXIT_REJECTED = 5; // a code, frame or visit did not verify

/** An error the CLI reports as one clear line with its exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}
