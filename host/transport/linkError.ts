// A fault on the link to a device, with a kind the CLI maps to a clear message and exit code.
export type LinkFault =
  | "timeout" // no complete answer in time
  | "dropped" // the link went away mid-read
  | "garbage" // bytes that are not the line protocol
  | "oversized" // a line longer than the limit
  | "malformed" // a line that does not match the answer's schema
  | "refused" // the device answered ERR
  | "unavailable" // the adapter or port cannot be used
  | "not-found"; // no device advertised in time

export class LinkError extends Error {
  constructor(
    readonly fault: LinkFault,
    message: string,
  ) {
    super(message);
    this.name = "LinkError";
  }
}
