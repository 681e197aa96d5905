// Decides what one reading proves: which device, what (drift-corrected) time, which status
// bits, or why it proves nothing. Device resolution: the challenge answer names its device;
// frames and typed codes are tried against the devices assigned to the client's location.
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

  constructor(
    private readonly ctx: VerificationContext,
    private readonly settings: VerifierSettings,
  ) {
    this.throttle = new TypedThrottle(settings.typedFailuresPerHour, settings.typedFailuresPerDay, settings.typedFailuresInAll);
    this.toleranceMs = settings.driftToleranceSeconds * 1000;
    this.lateLimitMs = settings.lateEntryLimitHours * 3600_000;
  }

  /** Readings of one provider and client must come in reader-time order (the throttle counts in that order). */
  judge(providerNumber: string, clientNdNumber: string, row: ReadingRow): ReadingVerdict {
    const [readingId, event, readerMs, method, typedCode, frameHex, nonceHex, challengeDeviceId, challengeDeviceTime, challengeStatus, challengeJournalSeq, challengeMac, tasks] =
      row;
    const verdict: ReadingVerdict = { readingId, event, method, readerMs, proven: false, deviceId: null, timeMs: readerMs, reasons: [], tasks };
    const client = this.ctx.clients.get(clientNdNumber);
    if (!client) return reject(verdict, { code: "UNKNOWN_CLIENT", detail: clientNdNumber });
    if (!this.ctx.providers.has(providerNumber)) return reject(verdict, { code: "UNKNOWN_PROVIDER", detail: providerNumber });

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
      const candidates = this.ctx.devicesAtLocation(client.locationId, readerMs - this.toleranceMs - STEP_MS, readerMs + this.toleranceMs);
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
      const locked = this.throttle.lockedBecause(throttleKey, readerMs);
      if (locked !== null) return reject(verdict, { code: "TYPED_THROTTLED", detail: locked });
      const fields = displayCodeFields(code);
      const fastMs = this.settings.fastAllowanceSteps * STEP_MS;
      const candidates = this.ctx.devicesAtLocation(client.locationId, readerMs - this.lateLimitMs - fastMs, readerMs + fastMs);
      if (candidates.length === 0) return reject(verdict, { code: "NO_DEVICE_AT_LOCATION", detail: client.locationId });
      for (const candidate of candidates) {
        const key = this.ctx.deviceKey(candidate);
        if (!key) continue;
        // The entry time as the device's clock would have shown it, so drift does not shift the recovery window.
        const entryDeviceSeconds = readerMs / 1000 + offsetAt(this.ctx.clockModel(candidate.deviceId, readerMs), readerMs);
        const step = recoverStep(fields.timeField, stepOf(entryDeviceSeconds), this.settings.fastAllowanceSteps);
        if (displayCodeMatches(nodeSha256, key, candidate.numericId, step, code)) {
          device = candidate;
          deviceSeconds = step * STEP_SECONDS;
          break;
        }
      }
      if (!device) {
        this.throttle.recordFailure(throttleKey, readerMs);
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

    // Freshness: device time (a step start for frames and codes) against the reader's clock.
    const lag = readerMs - timeMs;
    if (method === "challenge") {
      if (Math.abs(lag) > this.toleranceMs) verdict.reasons.push({ code: "CLOCK_OUT_OF_TOLERANCE", detail: `${Math.round(lag / 1000)} s` });
    } else if (method === "typed") {
      if (lag > this.lateLimitMs) return reject(verdict, { code: "LATE_ENTRY", detail: `${(lag / 3600_000).toFixed(1)} h after the code's time` });
      if (lag < -(this.toleranceMs + STEP_MS)) return reject(verdict, { code: "CODE_FROM_FUTURE", detail: `${Math.round(-lag / 1000)} s ahead` });
    } else {
      if (lag > this.toleranceMs + STEP_MS) return reject(verdict, { code: "STALE_FRAME", detail: `${Math.round(lag / 1000)} s old` });
      if (lag < -this.toleranceMs) verdict.reasons.push({ code: "CLOCK_OUT_OF_TOLERANCE", detail: `${Math.round(-lag / 1000)} s ahead` });
    }
    if (moved) verdict.reasons.push({ code: "DEVICE_MOVED" });
    if (tamper) verdict.reasons.push({ code: "DEVICE_TAMPER" });
    verdict.proven = true;
    return verdict;
  }
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
