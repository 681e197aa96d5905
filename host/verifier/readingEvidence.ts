// Decides what one reading proves: which device, what (drift-corrected) time, which status
// bits, or why it proves nothing. Device resolution: the challenge answer names its device;
// frames and typed codes are tried against the devices assigned to the client's location.
// Lateness and freshness count to the time HHS received the reading (issue 11), never to the
// reader's clock alone: the reader's clock only says when, before receipt, the reading was taken.
import { nodeSha256 } from "../crypto/nodeSha256.js";
import { challengeAnswerMatches } from "../../protocol/challenge.js";
import { decodeFrame, frameMatches, FRAME_KIND_ADVERT, FRAME_KIND_NFC, FRAME_STATUS_CLOCK_NOT_SET, FRAME_STATUS_MOVED, FRAME_STATUS_TAMPER } from "../../protocol/frame.js";
import { DISPLAY_STATUS_MOVED, DISPLAY_STATUS_TAMPER, displayCodeFields, displayCodeMatches, displayCodeProblem, recoverStep } from "../../protocol/displayCode.js";
import { isCodeTypo } from "./codeTypo.js";
import { STEP_SECONDS, stepOf } from "../../protocol/timeStep.js";
import { fromHex } from "../../protocol/bytes.js";
import { correctDeviceTime, offsetAt } from "../registry/clockModel.js";
import type { DeviceInfo, VerificationContext } from "./verificationContext.js";
import type { VerifierSettings } from "./settings.js";
import type { Reason } from "./reasonCodes.js";
import type { ReadingRow } from "./readingRow.js";
import { TypedThrottle } from "./typedThrottle.js";
import type { IntakeFacts } from "./intakeFacts.js";

export interface ReadingVerdict {
  readingId: string;
  event: "check-in" | "check-out";
  method: ReadingRow[3];
  readerMs: number;
  /** True when the reading proves presence at a known device and time. */
  proven: boolean;
  deviceId: string | null;
  /** Drift-corrected device time (ms), or the reader's time when nothing is proven. */
  timeMs: number;
  reasons: Reason[];
  tasks: string | null;
}

const STEP_MS = STEP_SECONDS * 1000;

export class ReadingEvidence {
  private readonly throttle: TypedThrottle;
  private readonly toleranceMs: number;
  private readonly lateLimitMs: number;
  private readonly challengeReceiptLimitMs: number;
  private readonly nfcReceiptLimitMs: number;
  /** "provider|client" → how many of its throttle resets are applied. */
  private readonly resetsApplied = new Map<string, number>();
  /** "provider|client" → wrong typed codes judged in this run (resets do not lower it). */
  private readonly failuresJudged = new Map<string, number>();

  constructor(
    private readonly ctx: VerificationContext,
    private readonly settings: VerifierSettings,
    private readonly intake: IntakeFacts = { readers: new Map(), throttleResets: new Map() },
  ) {
    this.throttle = new TypedThrottle(settings.typedFailuresPerHour, settings.typedFailuresPerDay, settings.typedFailuresInAll);
    this.toleranceMs = settings.driftToleranceSeconds * 1000;
    this.lateLimitMs = settings.lateEntryLimitHours * 3600_000;
    this.challengeReceiptLimitMs = settings.challengeReceiptLimitHours * 3600_000;
    this.nfcReceiptLimitMs = settings.nfcReceiptLimitHours * 3600_000;
  }

  /** Readings of one provider and client must come in the order of receipt (the throttle counts in that order). */
  judge(providerNumber: string, clientNdNumber: string, row: ReadingRow): ReadingVerdict {
    const [readingId, event, readerMs, method, typedCode, frameHex, nonceHex, challengeDeviceId, challengeDeviceTime, challengeStatus, challengeJournalSeq, challengeMac, tasks, receivedMs, receivedSeq, signedBy, counterBack] =
      row;
    // When the reading was taken, as far as HHS can tell: the reader's clock, but never after receipt.
    const entryMs = Math.min(readerMs, receivedMs);
    const verdict: ReadingVerdict = { readingId, event, method, readerMs, proven: false, deviceId: null, timeMs: readerMs, reasons: [], tasks };
    const client = this.ctx.clients.get(clientNdNumber);
    if (!client) return reject(verdict, { code: "UNKNOWN_CLIENT", detail: clientNdNumber });
    if (!this.ctx.providers.has(providerNumber)) return reject(verdict, { code: "UNKNOWN_PROVIDER", detail: providerNumber });
    if (signedBy !== null) {
      const revokedMs = this.intake.readers.get(signedBy);
      if (revokedMs === undefined) return reject(verdict, { code: "READER_UNKNOWN", detail: signedBy });
      if (revokedMs !== null && revokedMs <= receivedMs) return reject(verdict, { code: "READER_REVOKED", detail: `${signedBy} revoked ${new Date(revokedMs).toISOString()}` });
    }

    let device: DeviceInfo | null = null;
    let deviceSeconds = 0;
    let clockNotSet = false;
    let moved = false;
    let tamper = false;

    if (method === "challenge") {
      device = this.ctx.devices.get(challengeDeviceId!) ?? null;
      if (!device) return reject(verdict, { code: "DEVICE_UNKNOWN", detail: challengeDeviceId! });
      const key = this.ctx.deviceKey(device);
      if (!key) return reject(verdict, { code: "KEY_VERSION_MISSING", detail: `version ${device.keyVersion}` });
      const answer = {
        deviceId: device.numericId,
        deviceTime: challengeDeviceTime!,
        status: challengeStatus!,
        journalSeq: challengeJournalSeq!,
        mac: bytesOfHex(challengeMac!),
      };
      if (!challengeAnswerMatches(nodeSha256, key, bytesOfHex(nonceHex!), answer)) return reject(verdict, { code: "MAC_MISMATCH" });
      deviceSeconds = answer.deviceTime;
      clockNotSet = (answer.status & FRAME_STATUS_CLOCK_NOT_SET) !== 0;
      moved = (answer.status & FRAME_STATUS_MOVED) !== 0;
      tamper = (answer.status & FRAME_STATUS_TAMPER) !== 0;
    } else if (method === "advert" || method === "nfc") {
      const frame = bytesOfHex(frameHex!);
      const fields = decodeFrame(frame);
      if (!fields) return reject(verdict, { code: "FRAME_MALFORMED" });
      if (fields.kind !== (method === "advert" ? FRAME_KIND_ADVERT : FRAME_KIND_NFC)) return reject(verdict, { code: "FRAME_KIND_MISMATCH" });
      const candidates = this.ctx.devicesAtLocation(client.locationId, entryMs - this.toleranceMs - STEP_MS, entryMs + this.toleranceMs);
      if (candidates.length === 0) return reject(verdict, { code: "NO_DEVICE_AT_LOCATION", detail: client.locationId });
      for (const candidate of candidates) {
        const key = this.ctx.deviceKey(candidate);
        if (key && frameMatches(nodeSha256, key, candidate.numericId, frame)) {
          device = candidate;
          break;
        }
      }
      if (!device) return reject(verdict, { code: "MAC_MISMATCH" });
      deviceSeconds = fields.step * STEP_SECONDS;
      clockNotSet = (fields.status & FRAME_STATUS_CLOCK_NOT_SET) !== 0;
      moved = (fields.status & FRAME_STATUS_MOVED) !== 0;
      tamper = (fields.status & FRAME_STATUS_TAMPER) !== 0;
    } else {
      const code = typedCode!;
      const problem = displayCodeProblem(code);
      if (problem !== null) return reject(verdict, { code: isCodeTypo(code) ? "CODE_TYPO" : "CODE_MALFORMED", detail: problem });
      const throttleKey = providerNumber + "|" + clientNdNumber;
      this.applyResets(throttleKey, receivedSeq);
      const locked = this.throttle.lockedBecause(throttleKey, receivedMs);
      if (locked !== null) return reject(verdict, { code: "TYPED_THROTTLED", detail: locked });
      const fields = displayCodeFields(code);
      const fastMs = this.settings.fastAllowanceSteps * STEP_MS;
      const candidates = this.ctx.devicesAtLocation(client.locationId, entryMs - this.lateLimitMs - fastMs, entryMs + fastMs);
      if (candidates.length === 0) return reject(verdict, { code: "NO_DEVICE_AT_LOCATION", detail: client.locationId });
      for (const candidate of candidates) {
        const key = this.ctx.deviceKey(candidate);
        if (!key) continue;
        // The entry time as the device's clock would have shown it, so drift does not shift the recovery window.
        const entryDeviceSeconds = entryMs / 1000 + offsetAt(this.ctx.clockModel(candidate.deviceId, entryMs), entryMs);
        const step = recoverStep(fields.timeField, stepOf(entryDeviceSeconds), this.settings.fastAllowanceSteps);
        if (displayCodeMatches(nodeSha256, key, candidate.numericId, step, code)) {
          device = candidate;
          deviceSeconds = step * STEP_SECONDS;
          break;
        }
      }
      if (!device) {
        this.throttle.recordFailure(throttleKey, receivedMs);
        this.failuresJudged.set(throttleKey, (this.failuresJudged.get(throttleKey) ?? 0) + 1);
        return reject(verdict, { code: "MAC_MISMATCH" });
      }
      moved = (fields.statusDigit & DISPLAY_STATUS_MOVED) !== 0;
      tamper = (fields.statusDigit & DISPLAY_STATUS_TAMPER) !== 0;
    }

    verdict.deviceId = device.deviceId;
    if (clockNotSet) return reject(verdict, { code: "CLOCK_NOT_SET" });
    const timeMs = correctDeviceTime(this.ctx.clockModel(device.deviceId, deviceSeconds * 1000), deviceSeconds);
    verdict.timeMs = timeMs;
    if (device.retiredMs !== null && timeMs >= device.retiredMs) return reject(verdict, { code: "DEVICE_RETIRED" });
    const location = this.ctx.locationOfDevice(device.deviceId, timeMs);
    if (location !== client.locationId) return reject(verdict, { code: "DEVICE_NOT_AT_LOCATION", detail: `${device.deviceId} at ${location ?? "no location"}` });

    // Freshness: device time (a step start for frames and codes) against the entry time (the
    // reader's clock, at most the receipt), and lateness: device time against HHS's receipt.
    const lag = entryMs - timeMs;
    const receiptLag = receivedMs - timeMs;
    if (method === "challenge") {
      if (Math.abs(lag) > this.toleranceMs) verdict.reasons.push({ code: "CLOCK_OUT_OF_TOLERANCE", detail: `${Math.round(lag / 1000)} s` });
      if (receiptLag > this.challengeReceiptLimitMs) verdict.reasons.push({ code: "RECEIVED_LATE", detail: `${hoursText(receiptLag)} after its minute` });
    } else if (method === "typed" || method === "advert") {
      // A passive advertisement can be recorded by anyone in range and replayed later, as a code can be photographed: the same late-entry limit.
      if (receiptLag > this.lateLimitMs) return reject(verdict, { code: "LATE_ENTRY", detail: `received ${hoursText(receiptLag)} after the ${method === "typed" ? "code" : "frame"}'s time` });
      if (method === "typed" && lag < -(this.toleranceMs + STEP_MS)) return reject(verdict, { code: "CODE_FROM_FUTURE", detail: `${Math.round(-lag / 1000)} s ahead` });
    }
    if (method === "advert" || method === "nfc") {
      if (lag > this.toleranceMs + STEP_MS) return reject(verdict, { code: "STALE_FRAME", detail: `${Math.round(lag / 1000)} s old` });
      if (lag < -this.toleranceMs) verdict.reasons.push({ code: "CLOCK_OUT_OF_TOLERANCE", detail: `${Math.round(-lag / 1000)} s ahead` });
      if (method === "nfc" && receiptLag > this.nfcReceiptLimitMs) verdict.reasons.push({ code: "RECEIVED_LATE", detail: `${hoursText(receiptLag)} after its minute` });
    }
    if (counterBack === 1) verdict.reasons.push({ code: "READER_COUNTER_BACK", detail: signedBy ?? undefined });
    if (moved) verdict.reasons.push({ code: "DEVICE_MOVED" });
    if (tamper) verdict.reasons.push({ code: "DEVICE_TAMPER" });
    verdict.proven = true;
    return verdict;
  }

  /** Wrong typed codes of the provider and client judged in this run. */
  typedFailures(providerNumber: string, clientNdNumber: string): number {
    return this.failuresJudged.get(providerNumber + "|" + clientNdNumber) ?? 0;
  }

  /**
   * Forgets the throttle's count for the provider and client, so that readings received
   * before those just judged can be judged after them (a windowed run judges the new readings
   * first; it runs only for a pair whose earlier readings hold no wrong typed code).
   */
  forgetThrottle(providerNumber: string, clientNdNumber: string): void {
    this.throttle.reset(providerNumber + "|" + clientNdNumber);
  }

  /** Applies HHS's throttle resets for the pair that came before this reading in the order of receipt. */
  private applyResets(key: string, receivedSeq: number): void {
    const resets = this.intake.throttleResets.get(key);
    if (!resets) return;
    let applied = this.resetsApplied.get(key) ?? 0;
    while (applied < resets.length && resets[applied] < receivedSeq) {
      this.throttle.reset(key);
      applied++;
    }
    this.resetsApplied.set(key, applied);
  }
}

function hoursText(ms: number): string {
  return `${(ms / 3600_000).toFixed(1)} h`;
}

/** Hex (validated at import) to bytes. */
function bytesOfHex(hex: string): Uint8Array {
  return fromHex(hex)!;
}

function reject(verdict: ReadingVerdict, reason: Reason): ReadingVerdict {
  verdict.reasons.push(reason);
  verdict.proven = false;
  return verdict;
}
