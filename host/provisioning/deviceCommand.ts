// Sends one line of the firmware's command protocol on a console session and returns its
// answer: "OK <the same command>" or "ERR ...". Lines that arrived before the request (a
// banner, an echo, an answer to someone else) are dropped first, so they are never taken for
// this request's answer.
import type { ConsoleSession } from "./consoleSession.js";

const COMMAND_TIMEOUT_MS = 5_000;

export async function deviceCommand(session: ConsoleSession, line: string, timeoutMs: number = COMMAND_TIMEOUT_MS): Promise<string> {
  const command = line.split(" ")[0];
  session.discardPending();
  await session.sendLine(line);
  return session.waitForLine(
    (l) => l.trim().startsWith(`OK ${command}`) || l.trim().startsWith("ERR "),
    timeoutMs,
    `waiting for the answer to ${line.split(" ").slice(0, 2).join(" ")}`,
  );
}
