// The device's answer lines as a tester reads them: each word of STATUS, CODE and SYNCREQ with
// its label, the status flags in words, and a refusal for a clock that is not trusted
// explained by what this session did to the clock (a power loss, or a clock set back).
import { FRAME_STATUS_BATTERY_LOW, FRAME_STATUS_CLOCK_NOT_SET, FRAME_STATUS_LOCKED, FRAME_STATUS_MOVED, FRAME_STATUS_TAMPER, groupDisplayCode } from "../../protocol/index.js";
import { CMD_CODE, CMD_STATUS, CMD_SYNC, CMD_SYNC_REQUEST, ERR_CLOCK } from "../../protocol/uartCommands.js";

const FLAG_WORDS: [number, string][] = [
  [FRAME_STATUS_CLOCK_NOT_SET, "clock not set"],
  [FRAME_STATUS_MOVED, "moved"],
  [FRAME_STATUS_BATTERY_LOW, "battery low"],
  [FRAME_STATUS_LOCKED, "locked"],
  [FRAME_STATUS_TAMPER, "tamper"],
];

export function statusFlagWords(flags: number): string {
  const words = FLAG_WORDS.filter(([bit]) => (flags & bit) !== 0).map(([, word]) => word);
  return words.length === 0 ? "none" : words.join(", ");
}

function clockText(unixSeconds: number): string {
  return unixSeconds === 0 ? "0 (not set)" : new Date(unixSeconds * 1000).toISOString().replace("T", " ").slice(0, 19) + " UTC";
}

/** The last thing this session did that makes the device distrust its clock. */
export type ClockEvent = { kind: "power-loss" } | { kind: "set-back"; by: string } | null;

/** One answer line with labels; null when the line has nothing to label. */
export function labelAnswer(line: string, lastClockEvent: ClockEvent): string | null {
  const words = line.trim().split(/\s+/);
  if (words[0] === "OK" && words[1] === CMD_STATUS && words.length >= 10 && words[4] === "-") {
    // A locked fob's STATUS to anyone without the key (SPEC.md §10): board, locked, firmware.
    return `board ${words[3]}  locked  firmware ${words[9]}  (a locked device shows its ID, clock, status, battery and journal only to a key holder)`;
  }
  if (words[0] === "OK" && words[1] === CMD_STATUS && words.length >= 10) {
    const [, , id, board, time, flags, battery, seq, locked, firmware] = words;
    return (
      `device ${id === "-" ? "(no ID yet)" : id}  board ${board}  clock ${clockText(Number(time))}  status ${flags} (${statusFlagWords(parseInt(flags, 16))})  ` +
      `battery ${battery}%  journal ${seq} records  ${locked === "1" ? "locked" : "not locked"}  firmware ${firmware}`
    );
  }
  if (words[0] === "OK" && words[1] === CMD_CODE && words.length >= 5) return `display code ${groupDisplayCode(words[2])}  step ${words[3]}  frame ${words[4]}`;
  if (words[0] === "OK" && words[1] === CMD_SYNC_REQUEST && words.length >= 5) return `device ${words[2]}  nonce ${words[3]}  clock ${clockText(Number(words[4]))}`;
  if (words[0] === "OK" && words[1] === CMD_SYNC && words.length >= 3) return `clock set to ${clockText(Number(words[2]))}`;
  if (words[0] === "ERR" && words[1] === ERR_CLOCK) return clockRefusal(lastClockEvent);
  if (words[0] === "ERR") return `refused: ${words[1]}${words.length > 2 ? ` (${words.slice(2).join(" ")})` : ""}`;
  return null;
}

/** Why the device refuses for its clock, in terms of what the tester did. */
export function clockRefusal(lastClockEvent: ClockEvent): string {
  if (lastClockEvent?.kind === "set-back")
    return `refused: the device no longer trusts its clock because it was set back (${lastClockEvent.by}); there was no power loss. \`sync\` sets it again.`;
  if (lastClockEvent?.kind === "power-loss") return "refused: the clock is not set since the power loss; `sync` sets it again.";
  return "refused: the device's clock is not set; `sync` sets it (with the key).";
}

/** An answer line as `send`/`ble` print it: the raw line, then its labels (a refusal for the clock replaces the device's own words). */
export function answerWithLabels(line: string, lastClockEvent: ClockEvent): string {
  if (line.trim() === "") return "(no answer from the device)";
  const words = line.trim().split(/\s+/);
  const label = labelAnswer(line, lastClockEvent);
  if (words[0] === "ERR" && words[1] === ERR_CLOCK) return `ERR ${ERR_CLOCK}\n  = ${label}`;
  return label === null ? line : `${line}\n  = ${label}`;
}
