// The UART command protocol (firmware/README.md "UART command protocol"): one request line in,
// one answer line out. Nothing here ever puts the device key into an answer.
import {
  CMD_CHALLENGE, CMD_CODE, CMD_JOURNAL, CMD_PROVISION, CMD_STATUS, CMD_SYNC, CMD_SYNC_REQUEST, CMD_ZONE,
  ERR_AUTH, ERR_CLOCK, ERR_LOCKED, ERR_NOT_PROVISIONED, ERR_SYNTAX, ERR_UNKNOWN,
  PROV_CLOCK, PROV_CONSOLE, PROV_ID, PROV_KEY, PROV_LOCK, PROV_URL, PROV_URL_NONE, UART_JOURNAL_MAX_RECORDS,
  parseU32, uartWords,
} from "../../protocol/uartCommands.js";
import { bytesEqual, deviceIdHex, fromHex, parseDeviceIdHex, toHex, u32be } from "../../protocol/bytes.js";
import { KEYED_READ_MAC_LENGTH, keyedReadMac } from "../../protocol/keyedRead.js";
import { ZONE_MAC_LENGTH, ZONE_OFFSET_MAX, ZONE_OFFSET_MIN, ZONE_RULE_NAMES, zoneMac } from "../../protocol/localTime.js";
import { answerChallenge, CHALLENGE_NONCE_LENGTH } from "../../protocol/challenge.js";
import { judgeTimeSync, SYNC_MAC_LENGTH, SYNC_NONCE_LENGTH } from "../../protocol/timeSync.js";
import { DEVICE_KEY_LENGTH } from "../../protocol/deviceKey.js";
import { FRAME_KIND_ADVERT } from "../../protocol/frame.js";
import { tapUrlProblem } from "../../protocol/nfcForm.js";
import { stepOf } from "../../protocol/timeStep.js";
import {
  JOURNAL_EVENT_CHALLENGE, JOURNAL_EVENT_CLOCK_SET, JOURNAL_EVENT_LOCKED, JOURNAL_EVENT_PROVISIONED, JOURNAL_EVENT_SYNC_REFUSED,
} from "../../protocol/journal.js";
import { espruinoE } from "../espruino/espruinoGlobals.js";
import type { FirmwareContext } from "./firmwareContext.js";
import { FIRMWARE_VERSION } from "./firmwareVersion.js";
import { batteryPercent, frameStatus, statusHex } from "./deviceStatus.js";
import { acceptTime, clockTrusted, deviceUnixSeconds } from "./trustedClock.js";
import { clearJournal, readJournal } from "./journalRing.js";
import { journalEvent } from "./eventJournal.js";
import { currentDisplayCode, currentFrame, refreshOutputs, restartRotation } from "./codeRotation.js";
import { isProvisioned, saveConfig } from "./provisionedConfig.js";

export interface CommandOutcome {
  /** The answer line without its "\n"; null for a blank line (nothing to answer). */
  answer: string | null;
  /** PROV CONSOLE accepted: hand the JavaScript console to the link after answering. */
  handConsoleOver: boolean;
}

function ok(words: string[]): CommandOutcome {
  return { answer: "OK " + words.join(" "), handConsoleOver: false };
}

function fail(reason: string, text: string): CommandOutcome {
  return { answer: "ERR " + reason + " " + text, handConsoleOver: false };
}

function printableAscii(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    if (c < 32 || c > 126) return false;
  }
  return true;
}

function arity(words: string[], count: number, usage: string): CommandOutcome | null {
  return words.length === count ? null : fail(ERR_SYNTAX, "usage: " + usage);
}

function unprovisioned(): CommandOutcome {
  return fail(ERR_NOT_PROVISIONED, "device has no ID and key yet (PROV ID, PROV KEY)");
}

function clockNotSet(): CommandOutcome {
  return fail(ERR_CLOCK, "clock not set since power loss; an authenticated SYNC is needed");
}

/**
 * Locked, STATUS tells only what a passer-by sees anyway: the board, that it is locked, the
 * firmware. Its ID, clock, status bits, battery and journal count are for key holders (CHAL,
 * a keyed JOURNAL).
 */
function status(ctx: FirmwareContext, keyed: boolean): CommandOutcome {
  if (ctx.config.locked && !keyed) return ok([CMD_STATUS, "-", ctx.board.name, "-", "-", "-", "-", "1", FIRMWARE_VERSION]);
  const id = ctx.config.deviceId;
  return ok([
    CMD_STATUS,
    id === null ? "-" : deviceIdHex(id),
    ctx.board.name,
    String(deviceUnixSeconds()),
    statusHex(frameStatus(ctx)),
    String(batteryPercent(ctx)),
    String(ctx.journal.nextSeq),
    ctx.config.locked ? "1" : "0",
    FIRMWARE_VERSION,
  ]);
}

function code(ctx: FirmwareContext): CommandOutcome {
  if (!isProvisioned(ctx.config)) return unprovisioned();
  if (!clockTrusted(ctx.clock)) return clockNotSet();
  const digits = currentDisplayCode(ctx);
  const frame = currentFrame(ctx, FRAME_KIND_ADVERT);
  if (digits === null || frame === null) return clockNotSet();
  return ok([CMD_CODE, digits, String(stepOf(deviceUnixSeconds())), toHex(frame)]);
}

function challenge(ctx: FirmwareContext, words: string[]): CommandOutcome {
  const usage = arity(words, 2, "CHAL <nonce: 32 hex digits>");
  if (usage !== null) return usage;
  const nonce = fromHex(words[1]);
  if (nonce === null || nonce.length !== CHALLENGE_NONCE_LENGTH) return fail(ERR_SYNTAX, "nonce must be 32 hex digits");
  const key = ctx.config.deviceKey;
  const id = ctx.config.deviceId;
  if (key === null || id === null) return unprovisioned();
  if (!clockTrusted(ctx.clock)) return clockNotSet();
  const answer = answerChallenge(ctx.board.hash, key, id, nonce, deviceUnixSeconds(), frameStatus(ctx), ctx.journal.nextSeq);
  journalEvent(ctx, JOURNAL_EVENT_CHALLENGE, (nonce[0] << 8) | nonce[1]);
  ctx.challengeAnswered = true; // the BLE reader's disconnect then ends the read window (wakeSchedule.ts)
  return ok([CMD_CHALLENGE, deviceIdHex(id), String(answer.deviceTime), statusHex(answer.status), String(answer.journalSeq), toHex(answer.mac)]);
}

/** Locked, the journal (when caregivers came) is read only by a key holder (keyedRead). */
function journal(ctx: FirmwareContext, words: string[], keyed: boolean): CommandOutcome {
  const usage = arity(words, 3, "JOURNAL <fromSeq> <maxCount 1.." + UART_JOURNAL_MAX_RECORDS + "> [<mac>]");
  if (usage !== null) return usage;
  const fromSeq = parseU32(words[1]);
  const maxCount = parseU32(words[2]);
  if (fromSeq === null) return fail(ERR_SYNTAX, "fromSeq must be a decimal number");
  if (maxCount === null || maxCount < 1 || maxCount > UART_JOURNAL_MAX_RECORDS)
    return fail(ERR_SYNTAX, "maxCount must be 1.." + UART_JOURNAL_MAX_RECORDS);
  if (!isProvisioned(ctx.config)) return unprovisioned();
  if (ctx.config.locked && !keyed) return fail(ERR_AUTH, "locked: JOURNAL needs a key holder's mac (SYNCREQ first)");
  const slice = readJournal(ctx.journal, fromSeq, maxCount);
  const out = [CMD_JOURNAL, toHex(slice.previousTag), String(slice.records.length)];
  for (const record of slice.records) out.push(toHex(record));
  return ok(out);
}

function syncRequest(ctx: FirmwareContext, words: string[]): CommandOutcome {
  const usage = arity(words, 1, "SYNCREQ");
  if (usage !== null) return usage;
  const id = ctx.config.deviceId;
  if (id === null || ctx.config.deviceKey === null) return unprovisioned();
  const nonce = new Uint8Array(SYNC_NONCE_LENGTH);
  const a = u32be(espruinoE().hwRand() >>> 0);
  const b = u32be(espruinoE().hwRand() >>> 0);
  for (let i = 0; i < 4; i++) {
    nonce[i] = a[i];
    nonce[4 + i] = b[i];
  }
  ctx.pendingSyncNonce = nonce;
  return ok([CMD_SYNC_REQUEST, deviceIdHex(id), toHex(nonce), String(deviceUnixSeconds())]);
}

const REFUSAL_CODES: Record<string, number> = { "no-pending-nonce": 1, "bad-mac": 2, "time-goes-back": 3 };

function sync(ctx: FirmwareContext, words: string[]): CommandOutcome {
  const usage = arity(words, 3, "SYNC <unixTime> <mac: 32 hex digits>");
  if (usage !== null) return usage;
  const newTime = parseU32(words[1]);
  const mac = fromHex(words[2]);
  if (newTime === null) return fail(ERR_SYNTAX, "unixTime must be a decimal number");
  if (mac === null || mac.length !== SYNC_MAC_LENGTH) return fail(ERR_SYNTAX, "mac must be 32 hex digits");
  const key = ctx.config.deviceKey;
  const id = ctx.config.deviceId;
  if (key === null || id === null) return unprovisioned();
  const nonce = ctx.pendingSyncNonce;
  ctx.pendingSyncNonce = null;
  const verdict = judgeTimeSync(ctx.board.hash, key, id, nonce, ctx.clock.lastAcceptedTime, newTime, mac);
  if (verdict !== "accepted") {
    journalEvent(ctx, JOURNAL_EVENT_SYNC_REFUSED, REFUSAL_CODES[verdict]);
    return fail(ERR_AUTH, verdict);
  }
  const correction = newTime - deviceUnixSeconds();
  acceptTime(ctx.clock, newTime);
  journalEvent(ctx, JOURNAL_EVENT_CLOCK_SET, correction > 32767 ? 32767 : correction < -32768 ? -32768 : correction);
  restartRotation(ctx);
  return ok([CMD_SYNC, String(newTime)]);
}

/** ZONE: the local time of the service location, from the key holder (SPEC.md section 8.1). */
function zone(ctx: FirmwareContext, words: string[]): CommandOutcome {
  const usage = arity(words, 4, "ZONE <standard offset minutes> <US|NONE> <mac: 32 hex digits>");
  if (usage !== null) return usage;
  const negative = words[1][0] === "-";
  const magnitude = parseU32(negative ? words[1].slice(1) : words[1]);
  const offset = magnitude === null ? null : negative ? -magnitude : magnitude;
  const rule = ZONE_RULE_NAMES.indexOf(words[2]);
  const mac = fromHex(words[3]);
  if (offset === null || offset < ZONE_OFFSET_MIN || offset > ZONE_OFFSET_MAX) return fail(ERR_SYNTAX, "offset must be minutes " + ZONE_OFFSET_MIN + ".." + ZONE_OFFSET_MAX);
  if (rule < 0) return fail(ERR_SYNTAX, "rule must be US or NONE");
  if (mac === null || mac.length !== ZONE_MAC_LENGTH) return fail(ERR_SYNTAX, "mac must be 32 hex digits");
  const key = ctx.config.deviceKey;
  const id = ctx.config.deviceId;
  if (key === null || id === null) return unprovisioned();
  const nonce = ctx.pendingSyncNonce;
  ctx.pendingSyncNonce = null;
  const verdict = nonce === null ? "no-pending-nonce" : bytesEqual(zoneMac(ctx.board.hash, key, id, nonce, offset, rule), mac) ? "accepted" : "bad-mac";
  if (verdict !== "accepted") {
    journalEvent(ctx, JOURNAL_EVENT_SYNC_REFUSED, REFUSAL_CODES[verdict]);
    return fail(ERR_AUTH, verdict);
  }
  ctx.config.zoneOffset = offset;
  ctx.config.zoneRule = rule;
  saveConfig(ctx.config);
  refreshOutputs(ctx);
  return ok([CMD_ZONE, String(offset), words[2]]);
}

function restartJournalAfterProvisioning(ctx: FirmwareContext): void {
  clearJournal(ctx.journal);
  ctx.lastJournaledStep = {};
  saveConfig(ctx.config);
  if (isProvisioned(ctx.config)) journalEvent(ctx, JOURNAL_EVENT_PROVISIONED, ctx.config.keyVersion);
  refreshOutputs(ctx);
}

function provision(ctx: FirmwareContext, words: string[]): CommandOutcome {
  if (ctx.config.locked) return fail(ERR_LOCKED, "device is locked; provisioning is closed");
  const what = words.length > 1 ? words[1] : "";
  if (what === PROV_ID) {
    const usage = arity(words, 3, "PROV ID <deviceId: 8 hex digits>");
    if (usage !== null) return usage;
    const id = parseDeviceIdHex(words[2]);
    if (id === null) return fail(ERR_SYNTAX, "deviceId must be 8 hex digits");
    ctx.config.deviceId = id;
    restartJournalAfterProvisioning(ctx);
    return ok([CMD_PROVISION, PROV_ID, deviceIdHex(id)]);
  }
  if (what === PROV_KEY) {
    const usage = arity(words, 4, "PROV KEY <version 1..255> <deviceKey: 64 hex digits>");
    if (usage !== null) return usage;
    const version = parseU32(words[2]);
    const key = fromHex(words[3]);
    if (version === null || version < 1 || version > 255) return fail(ERR_SYNTAX, "key version must be 1..255");
    if (key === null || key.length !== DEVICE_KEY_LENGTH) return fail(ERR_SYNTAX, "deviceKey must be 64 hex digits");
    ctx.config.keyVersion = version;
    ctx.config.deviceKey = key;
    restartJournalAfterProvisioning(ctx);
    return ok([CMD_PROVISION, PROV_KEY, String(version)]);
  }
  if (what === PROV_CLOCK) {
    const usage = arity(words, 3, "PROV CLOCK <unixTime>");
    if (usage !== null) return usage;
    const time = parseU32(words[2]);
    if (time === null || time === 0) return fail(ERR_SYNTAX, "unixTime must be a positive decimal number");
    acceptTime(ctx.clock, time);
    journalEvent(ctx, JOURNAL_EVENT_CLOCK_SET, 0);
    restartRotation(ctx);
    return ok([CMD_PROVISION, PROV_CLOCK, String(time)]);
  }
  if (what === PROV_LOCK) {
    const usage = arity(words, 2, "PROV LOCK");
    if (usage !== null) return usage;
    if (!isProvisioned(ctx.config)) return unprovisioned();
    ctx.config.locked = true;
    saveConfig(ctx.config);
    journalEvent(ctx, JOURNAL_EVENT_LOCKED, 0);
    refreshOutputs(ctx);
    return ok([CMD_PROVISION, PROV_LOCK]);
  }
  if (what === PROV_URL) {
    const usage = arity(words, 3, "PROV URL <https base URL|->");
    if (usage !== null) return usage;
    const url = words[2] === PROV_URL_NONE ? null : words[2];
    const problem = url === null ? null : tapUrlProblem(url);
    if (problem !== null) return fail(ERR_SYNTAX, "base URL " + problem);
    ctx.config.tapUrl = url;
    saveConfig(ctx.config);
    ctx.nfcMemory = null; // the NFC form is made again at the next READ
    return ok([CMD_PROVISION, PROV_URL, words[2]]);
  }
  if (what === PROV_CONSOLE) {
    const usage = arity(words, 2, "PROV CONSOLE");
    if (usage !== null) return usage;
    return { answer: "OK " + CMD_PROVISION + " " + PROV_CONSOLE, handConsoleOver: true };
  }
  return fail(ERR_SYNTAX, "usage: PROV ID|KEY|CLOCK|URL|LOCK|CONSOLE ...");
}

/**
 * A key holder's STATUS or JOURNAL: its last word is a MAC over the pending SYNCREQ nonce and
 * the other words (protocol/keyedRead.ts). Null when it holds; else the refusal.
 */
function refuseKeyedRead(ctx: FirmwareContext, words: string[]): CommandOutcome | null {
  const mac = fromHex(words[words.length - 1]);
  if (mac === null || mac.length !== KEYED_READ_MAC_LENGTH) return fail(ERR_SYNTAX, "mac must be 32 hex digits");
  const key = ctx.config.deviceKey;
  const id = ctx.config.deviceId;
  if (key === null || id === null) return unprovisioned();
  const nonce = ctx.pendingSyncNonce;
  ctx.pendingSyncNonce = null;
  if (nonce === null) return fail(ERR_AUTH, "no-pending-nonce");
  if (!bytesEqual(keyedReadMac(ctx.board.hash, key, id, nonce, words.slice(0, words.length - 1).join(" ")), mac)) return fail(ERR_AUTH, "bad-mac");
  return null;
}

/** Answers one request line (without its line end). */
export function answerCommand(ctx: FirmwareContext, line: string): CommandOutcome {
  if (!printableAscii(line)) return fail(ERR_SYNTAX, "requests are printable ASCII only");
  const words = uartWords(line);
  if (words.length === 0) return { answer: null, handConsoleOver: false };
  const command = words[0];
  if (command === CMD_STATUS || (command === CMD_JOURNAL && words.length === 4)) {
    const keyed = words.length === (command === CMD_STATUS ? 2 : 4);
    const refusal = keyed ? refuseKeyedRead(ctx, words) : null;
    if (refusal !== null) return refusal;
    const plain = keyed ? words.slice(0, words.length - 1) : words;
    if (command === CMD_JOURNAL) return journal(ctx, plain, true);
    const usage = arity(plain, 1, "STATUS [<mac>]");
    return usage !== null ? usage : status(ctx, keyed);
  }
  if (command === CMD_CODE) {
    const usage = arity(words, 1, "CODE");
    return usage !== null ? usage : code(ctx);
  }
  if (command === CMD_CHALLENGE) return challenge(ctx, words);
  if (command === CMD_JOURNAL) return journal(ctx, words, false);
  if (command === CMD_SYNC_REQUEST) return syncRequest(ctx, words);
  if (command === CMD_SYNC) return sync(ctx, words);
  if (command === CMD_PROVISION) return provision(ctx, words);
  if (command === CMD_ZONE) return zone(ctx, words);
  return fail(ERR_UNKNOWN, "unknown command " + (command.length > 16 ? command.slice(0, 16) + "..." : command));
}
