// What the caregiver is shown after a read: device, time, status and how presence was proven.
import {
  FRAME_STATUS_BATTERY_LOW,
  FRAME_STATUS_CLOCK_NOT_SET,
  FRAME_STATUS_LOCKED,
  FRAME_STATUS_MOVED,
  FRAME_STATUS_TAMPER,
} from "../../protocol/frame.js";
import { stepStartSeconds } from "../../protocol/timeStep.js";
import type { Reading } from "../capture/reading.js";
import type { StatusAnswerLine } from "../transport/uartAnswers.js";

export function statusWords(status: number): string[] {
  const words: string[] = [];
  words.push(status & FRAME_STATUS_CLOCK_NOT_SET ? "CLOCK NOT SET (needs a time sync)" : "clock set");
  if (status & FRAME_STATUS_LOCKED) words.push("locked");
  else words.push("NOT LOCKED (not provisioned for service)");
  if (status & FRAME_STATUS_MOVED) words.push("MOVED since last check");
  if (status & FRAME_STATUS_TAMPER) words.push("TAMPER");
  if (status & FRAME_STATUS_BATTERY_LOW) words.push("battery low");
  return words;
}

export interface SummaryInput {
  reading: Reading;
  status: StatusAnswerLine | null;
  frameStep?: number;
  frameStatus?: number;
  choiceReason?: string;
  statusProblem?: string | null;
}

export function summaryLines(input: SummaryInput): string[] {
  const r = input.reading;
  const lines: string[] = [];
  const readerMs = Date.parse(r.readerTime);
  if (r.challenge) {
    const s = input.status;
    const details = s ? ` (${s.board}, firmware ${s.firmwareVersion}${s.batteryPercent === null ? "" : `, battery ${s.batteryPercent}%`})` : "";
    lines.push(`Device    ${r.challenge.deviceId}${details}`);
    const skew = r.challenge.deviceTime - Math.floor(readerMs / 1000);
    const skewText = skew === 0 ? "in step with this reader" : `${Math.abs(skew)} s ${skew > 0 ? "ahead of" : "behind"} this reader`;
    lines.push(`Time      device ${new Date(r.challenge.deviceTime * 1000).toISOString()} (${skewText})`);
    lines.push(`Status    ${statusWords(r.challenge.status).join("; ")}`);
  } else if (input.frameStep !== undefined) {
    lines.push(`Device    not named on air (the verifier resolves it from the frame)`);
    lines.push(`Time      device minute ${new Date(stepStartSeconds(input.frameStep) * 1000).toISOString()}`);
    if (input.frameStatus !== undefined) lines.push(`Status    ${statusWords(input.frameStatus).join("; ")}`);
  }
  lines.push(`Presence  ${presenceText(r)}`);
  if (input.choiceReason) lines.push(`Choice    ${input.choiceReason}`);
  if (input.statusProblem) lines.push(`Note      STATUS not read: ${input.statusProblem}`);
  return lines;
}

function presenceText(r: Reading): string {
  const rssi = r.rssi !== undefined ? `, RSSI ${r.rssi} dBm` : "";
  switch (r.method) {
    case "challenge":
      return `answered this reader's fresh challenge over ${r.transport === "ble" ? "BLE (Nordic UART)" : "the serial console"}${rssi}: live presence`;
    case "advert":
      return `advertisement frame heard over BLE${rssi} (the fob does not accept connections: no challenge)`;
    case "nfc":
      return "NFC frame read by touch";
    case "typed":
      return "display code typed in: the weakest proof (a photographed code types the same)";
  }
}
