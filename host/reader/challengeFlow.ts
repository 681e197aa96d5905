// The reader's challenge: a fresh 16-byte nonce from node:crypto, sent as CHAL over a device
// link; the answer is captured as evidence for the verifier (the reader holds no key and
// checks nothing cryptographic). STATUS, asked after, adds what the caregiver is shown.
import { randomBytes } from "node:crypto";
import { toHex } from "../../protocol/bytes.js";
import { CHALLENGE_NONCE_LENGTH } from "../../protocol/challenge.js";
import { CMD_CHALLENGE, CMD_STATUS } from "../../protocol/uartCommands.js";
import type { ChallengeEvidence } from "./readingRecord.js";
import type { DeviceLink } from "../transport/deviceLink.js";
import { LinkError } from "../transport/linkError.js";
import { challengeAnswerLine, parseAnswer, statusAnswerLine, type StatusAnswerLine } from "../transport/uartAnswers.js";

export interface ChallengeOutcome {
  evidence: ChallengeEvidence;
  status: StatusAnswerLine | null;
  /** Why STATUS is missing, when it is. */
  statusProblem: string | null;
}

export async function challengeDevice(link: DeviceLink, answerTimeoutMs: number): Promise<ChallengeOutcome> {
  const nonce = toHex(new Uint8Array(randomBytes(CHALLENGE_NONCE_LENGTH)));
  const answer = parseAnswer(challengeAnswerLine, CMD_CHALLENGE, await link.request(`${CMD_CHALLENGE} ${nonce}`, answerTimeoutMs));
  const evidence: ChallengeEvidence = { nonce, ...answer };
  try {
    const status = parseAnswer(statusAnswerLine, CMD_STATUS, await link.request(CMD_STATUS, answerTimeoutMs));
    if (status.deviceId !== null && status.deviceId !== answer.deviceId) {
      throw new LinkError("malformed", `STATUS names device ${status.deviceId} but the challenge was answered by ${answer.deviceId}`);
    }
    return { evidence, status, statusProblem: null };
  } catch (error) {
    // The challenge answer is the proof; STATUS only adds detail for the screen.
    if (error instanceof LinkError && error.fault === "malformed" && error.message.startsWith("STATUS names")) throw error;
    return { evidence, status: null, statusProblem: (error as Error).message };
  }
}
