// Decides what one reading proves: which device, what (drift-corrected) time, which status
// bits, or why it proves nothing. Device resolution: the challenge answer names its device;
// frames and typed codes are tried against the devices assigned to the client's location.
import { nodeSha256 } from "../crypto/nodeSha256.js";
import { fromHex } from "../../protocol/bytes.js";
import { challengeAnswerMatches } from "../../protocol/challenge.js";
import { decodeFrame, frameMatches, FRAME_KIND_ADVERT, FRAME_KIND_NFC, FRAME_STATUS_CLOCK_NOT_SET, FRAME_STATUS_MOVED, FRAME_STATUS_TAMPER } from "../../protocol/frame.js";
import { DISPLAY_STATUS_MOVED, DISPLAY_STATUS_TAMPER, displayCodeFields, displayCodeMatches, displayCodeProblem, recoverStep } from "../../protocol/displayCode.js";
import { isCodeTypo } from "./codeTypo.js";
import { STEP_SECONDS, stepOf } from "../../protocol/timeStep.js";
import { correctDeviceTime, offsetAt } from "../registry/clockModel.js";
import type { DeviceInfo, VerificationContext } from "./verificationContext.js";
import type { VerifierSettings } from "./settings.js";
import type { Reason } from "./reasonCodes.js";
import type { ReadingRow } from "./readingRow.js";
import { TypedThrottle } from "./typedThrottle.js";

export interface ReadingVerdict {
  readingId: string;
  event: "check-in" | "check-out";
  method: ReadingRow["method"];
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
    this.throttle = new TypedThrottle(settings.typedFailuresPerHour, settings.typedFailuresPerDay);
    this.toleranceMs = settings.driftToleranceSeconds * 1000;
    this.lateLimitMs = settings.lateEntryLimitHours * 3600_000;
  }

  /** Readings of one provider and client must come in reader-time order (the throttle counts in that order). */
  judge(row: ReadingRow): ReadingVerdict {
    const verdict: ReadingVerdict = {
      readingId: row.reading_id,
      event: row.event,
      method: row.method,
      readerMs: row.reader_ms,
      proven: false,
      deviceId: null,
      timeMs: row.reader_ms,
      reasons: [],
      tasks: row.tasks,
    };
    const client = this.ctx.clients.get(row.client_nd_number);
    if (!client) return reject(verdict, { code: "UNKNOWN_CLIENT", detail: row.client_nd_number });
    if (!this.ctx.providers.has(row.provider_number)) return reject(verdict, { code: "UNKNOWN_PROVIDER", detail: row.provider_number });

    let device: DeviceInfo | null = null;
    let deviceSeconds = 0;
    let clockNotSet = false;
    let moved = false;
    let tamper = false;

    if (row.method === "challenge") {
      device = this.ctx.devices.get(row.challenge_device_id!) ?? null;
      if (!device) return reject(verdict, { code: "DEVICE_UNKNOWN", detail: row.challenge_device_id! });
      const key = this.ctx.deviceKey(device);
      if (!key) return reject(verdict, { code: "KEY_VERSION_MISSING", detail: `version ${device.keyVersion}` });
      const answer = {
        deviceId: device.numericId,
        deviceTime: row.challenge_device_time!,
        status: row.challenge_status!,
        journalSeq: row.challenge_journal_seq!,
        mac: fromHex(row.challenge_mac!)!,
      };
      if (!challengeAnswerMatches(nodeSha256, key, fromHex(row.challenge_nonce!)!, answer)) return reject(verdict, { code: "MAC_MISMATCH" });
      deviceSeconds = answer.deviceTime;
      clockNotSet = (answer.status & FRAME_STATUS_CLOCK_NOT_SET) !== 0;
      moved = (answer.status & FRAME_STATUS_MOVED) !== 0;
      tamper = (answer.status & FRAME_STATUS_TAMPER) !== 0;
    } else if (row.method === "advert" || row.method === "nfc") {
      const frame = fromHex(row.frame!)!;
      const fields = decodeFrame(frame);
      if (!fields) return reject(verdict, { code: "FRAME_MALFORMED" });
      if (fields.kind !== (row.method === "advert" ? FRAME_KIND_ADVERT : FRAME_KIND_NFC)) return reject(verdict, { code: "FRAME_KIND_MISMATCH" });
      const candidates = this.ctx.devicesAtLocation(client.locationId, row.reader_ms - this.toleranceMs - STEP_MS, row.reader_ms + this.toleranceMs);
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
      const code = row.typed_code!;
      const problem = displayCodeProblem(code);
      if (problem !== null) return reject(verdict, { code: isCodeTypo(code) ? "CODE_TYPO" : "CODE_MALFORMED", detail: problem });
      const throttleKey = row.provider_number + "|" + row.client_nd_number;
      if (this.throttle.isLocked(throttleKey, row.reader_ms)) return reject(verdict, { code: "TYPED_THROTTLED" });
      const fields = displayCodeFields(code);
      const fastMs = this.settings.fastAllowanceSteps * STEP_MS;
      const candidates = this.ctx.devicesAtLocation(client.locationId, row.reader_ms - this.lateLimitMs - fastMs, row.reader_ms + fastMs);
      if (candidates.length === 0) return reject(verdict, { code: "NO_DEVICE_AT_LOCATION", detail: client.locationId });
      for (const candidate of candidates) {
        const key = this.ctx.deviceKey(candidate);
        if (!key) continue;
        // The entry time as the device's clock would have shown it, so drift does not shift the recovery window.
        const entryDeviceSeconds = row.reader_ms / 1000 + offsetAt(this.ctx.clockModel(candidate.deviceId), row.reader_ms);
        const step = recoverStep(fields.timeField, stepOf(entryDeviceSeconds), this.settings.fastAllowanceSteps);
        if (displayCodeMatches(nodeSha256, key, candidate.numericId, step, code)) {
          device = candidate;
          deviceSeconds = step * STEP_SECONDS;
          break;
        }
      }
      if (!device) {
        this.throttle.recordFailure(throttleKey, row.reader_ms);
        return reject(verdict, { code: "MAC_MISMATCH" });
      }
      moved = (fields.statusDigit & DISPLAY_STATUS_MOVED) !== 0;
      tamper = (fields.statusDigit & DISPLAY_STATUS_TAMPER) !== 0;
    }

    verdict.deviceId = device.deviceId;
    if (clockNotSet) return reject(verdict, { code: "CLOCK_NOT_SET" });
    const timeMs = correctDeviceTime(this.ctx.clockModel(device.deviceId), deviceSeconds);
    verdict.timeMs = timeMs;
    if (device.retiredMs !== null && timeMs >= device.retiredMs) return reject(verdict, { code: "DEVICE_RETIRED" });
    const location = this.ctx.locationOfDevice(device.deviceId, timeMs);
    if (location !== client.locationId) return reject(verdict, { code: "DEVICE_NOT_AT_LOCATION", detail: `${device.deviceId} at ${location ?? "no location"}` });

    // Freshness: device time (a step start for frames and codes) against the reader's clock.
    const lag = row.reader_ms - timeMs;
    if (row.method === "challenge") {
      if (Math.abs(lag) > this.toleranceMs) verdict.reasons.push({ code: "CLOCK_OUT_OF_TOLERANCE", detail: `${Math.round(lag / 1000)} s` });
    } else if (row.method === "typed") {
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

function reject(verdict: ReadingVerdict, reason: Reason): ReadingVerdict {
  verdict.reasons.push(reason);
  verdict.proven = false;
  return verdict;
}
