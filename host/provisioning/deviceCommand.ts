// Sends one line of the firmware's command protocol on a console session and returns its
// answer line ("OK ..." or "ERR ..."); anything else on the console (echo, banner) is skipped.
import type { ConsoleSession } from "./consoleSession.js";

const COMMAND_TIMEOUT_MS = 5_000;

export async function deviceCommand(session: ConsoleSession, line: string, timeoutMs: number = COMMAND_TIMEOUT_MS): Promise<string> {
  await session.sendLine(line);
  return session.waitForLine((l) => /^(OK|ERR) /.test(l.trim()), timeoutMs, `waiting for the answer to ${line.split(" ").slice(0, 2).join(" ")}`);
}
