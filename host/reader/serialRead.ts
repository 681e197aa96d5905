// A read over a serial console: open the port with serialport (9600 baud for Puck.js and
// Pixl.js), challenge the device, close.
import { openSerialLink } from "../transport/serialLink.js";
import { challengeDevice, type ChallengeOutcome } from "./challengeFlow.js";
import type { Capture } from "./readingRecord.js";

export interface SerialReadResult {
  capture: Capture;
  outcome: ChallengeOutcome;
  linkDescription: string;
}

export async function readOverSerial(path: string, baudRate: number, answerTimeoutMs: number): Promise<SerialReadResult> {
  const link = await openSerialLink(path, baudRate);
  try {
    const outcome = await challengeDevice(link, answerTimeoutMs);
    return { capture: { method: "challenge", transport: "serial", challenge: outcome.evidence }, outcome, linkDescription: link.description };
  } finally {
    await link.close();
  }
}
