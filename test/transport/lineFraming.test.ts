import { describe, expect, it } from "vitest";
import { LineFraming } from "../../host/transport/lineFraming.js";
import type { LinkError } from "../../host/transport/linkError.js";
import { challengeAnswerLine, journalAnswerLine, parseAnswer, statusAnswerLine } from "../../host/transport/uartAnswers.js";

function frame(chunks: string[] | Uint8Array[], max?: number) {
  const lines: string[] = [];
  const faults: LinkError[] = [];
  const framing = new LineFraming((l) => lines.push(l), (e) => faults.push(e), max);
  for (const c of chunks) framing.push(typeof c === "string" ? new TextEncoder().encode(c) : c);
  return { lines, faults };
}

describe("line framing", () => {
  it("joins a line split across chunks and accepts CRLF", () => {
    expect(frame(["OK ST", "ATUS x\r", "\nOK CODE\n"]).lines).toEqual(["OK STATUS x", "OK CODE"]);
  });
  it("reports control bytes as garbage, once, and stops", () => {
    const { lines, faults } = frame([new Uint8Array([0x4f, 0x4b, 0x00, 0x0a]), new TextEncoder().encode("OK CODE\n")]);
    expect(lines).toEqual([]);
    expect(faults.map((f) => f.fault)).toEqual(["garbage"]);
  });
  it("reports a line over the limit as oversized before any line end arrives", () => {
    const { faults } = frame(["A".repeat(40)], 32);
    expect(faults.map((f) => f.fault)).toEqual(["oversized"]);
  });
});

describe("answer schemas", () => {
  const mac = "0123456789abcdef0123456789abcdef";
  it("parses a challenge answer word by word", () => {
    expect(parseAnswer(challengeAnswerLine, "CHAL", `OK CHAL 0a0b0c0d 1795386000 08 12 ${mac}`)).toEqual({
      deviceId: "0a0b0c0d",
      deviceTime: 1795386000,
      status: 8,
      journalSeq: 12,
      mac,
    });
  });
  it("names the bad word of a malformed answer", () => {
    expect(() => parseAnswer(challengeAnswerLine, "CHAL", `OK CHAL 0a0b0c0d 1795386000 08 12 ${mac.slice(2)}`)).toThrow(/word 7 must be 32 hex digits/);
  });
  it("turns an ERR answer into a refusal with the device's reason", () => {
    expect(() => parseAnswer(challengeAnswerLine, "CHAL", "ERR CLOCK clock not set")).toThrow(/refused CHAL: CLOCK \(clock not set\)/);
  });
  it("accepts STATUS of an unprovisioned device with '-' for the id", () => {
    expect(parseAnswer(statusAnswerLine, "STATUS", "OK STATUS - pixljs 0 01 100 0 0 0.1.0").deviceId).toBeNull();
  });
  it("checks that a JOURNAL page has as many records as it says", () => {
    const record = "ab".repeat(28);
    expect(parseAnswer(journalAnswerLine, "JOURNAL", `OK JOURNAL ${mac} 2 ${record} ${record}`).records).toHaveLength(2);
    expect(() => parseAnswer(journalAnswerLine, "JOURNAL", `OK JOURNAL ${mac} 2 ${record}`)).toThrow(/record count/);
  });
});
