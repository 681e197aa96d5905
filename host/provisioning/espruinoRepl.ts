// Evaluating JavaScript on a stock Espruino console. Each expression is sent on a line that
// starts with 0x10 (Espruino does not echo such lines) and prints its result behind a marker
// unique to the call, so echoes, prompts and banners cannot be taken for an answer.
import type { ConsoleSession } from "./consoleSession.js";
import { LinkError } from "../transport/linkError.js";

let callCounter = 0;

export async function evaluateOnConsole(session: ConsoleSession, expression: string, timeoutMs: number): Promise<string> {
  callCounter += 1;
  const marker = `EVV${process.pid}#${callCounter}=`;
  await session.sendLine(`\x10print(${JSON.stringify(marker)}+(${expression}))`);
  const line = await session.waitForLine(
    (l) => l.startsWith(marker) || /^Uncaught /.test(l),
    timeoutMs,
    `evaluating ${expression.slice(0, 40)}`,
  );
  if (line.startsWith("Uncaught ")) throw new LinkError("refused", `the device's console refused ${expression.slice(0, 40)}: ${line}`);
  return line.slice(marker.length);
}
