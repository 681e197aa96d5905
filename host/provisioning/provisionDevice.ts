// HHS provisioning of one device, written so that it can be interrupted anywhere and run again:
// every step first asks the device where it stands, and the registry record is written only
// once the device is locked and has proven (by a challenge) that it holds the right key.
//
//   stock console or any unlocked firmware ─erase boot code, upload, read back─▶ our firmware,
//     unprovisioned ─PROV ID/KEY/CLOCK─▶ provisioned ─PROV LOCK─▶ locked ─challenge ok─▶ registry record
//
// The bundle is uploaded every time a device is not locked yet, whatever version it reports:
// firmware planted beforehand can report the right version. Every other boot-code file is
// erased before the upload, so after the reboot only the bundle runs when the key is written.
// The key is written over a serial console only (SPEC.md §11.2): the BLE Nordic UART has no
// link encryption.
import { randomBytes } from "node:crypto";
import {
  challengeAnswerMatches,
  deviceIdHex,
  fromHex,
  parseDeviceIdHex,
  toHex,
} from "../../protocol/index.js";
import { nodeSha256 } from "../crypto/nodeSha256.js";
import type { Keystore } from "../keystore/keystore.js";
import type { DeviceRegistry } from "../registry/deviceRegistry.js";
import { challengeAnswerLine, parseAnswer, statusAnswerLine, type ChallengeAnswerLine, type StatusAnswerLine } from "../transport/uartAnswers.js";
import { LinkError } from "../transport/linkError.js";
import type { ConsoleSession } from "./consoleSession.js";
import { deviceCommand } from "./deviceCommand.js";
import { firmwareHash, uploadBundle, type UploadProgress } from "./bundleUpload.js";
import { evaluateOnConsole } from "./espruinoRepl.js";
import type { FirmwareBundle } from "./firmwareBundle.js";

export interface ProvisionOptions {
  /** The link the session runs over: provisioning writes the device key, so only "serial" is accepted. */
  link: "serial" | "ble";
  bundle: FirmwareBundle;
  keystore: Keystore;
  registry: DeviceRegistry;
  /** Device ID to give a device that has none yet; default: one above the highest registered. */
  deviceId?: number;
  /** Base URL of the NFC tap (tapUrl.ts; the NFC form becomes <tapUrl>#<frame hex>); absent: the evv:1/ form. */
  tapUrl?: string;
  now: () => Date;
  onStep: (message: string) => void;
  onUpload: (progress: UploadProgress) => void;
}

export interface ProvisionResult {
  deviceId: string;
  board: string;
  keyVersion: number;
  firmwareHash: string;
  uploaded: boolean;
  /** The base URL written for the NFC tap; null when the fob keeps the evv:1/ form or was already locked (then it keeps what it was given). */
  tapUrl: string | null;
  /** True when the device was already locked and registered: nothing was changed. */
  alreadyProvisioned: boolean;
}

const BOOT_TIMEOUT_MS = 15_000;

export async function provisionDevice(session: ConsoleSession, options: ProvisionOptions): Promise<ProvisionResult> {
  if (options.link !== "serial") throw new UnencryptedLinkError();
  const hash = firmwareHash(options.bundle.code);
  let status = await probe(session);
  let uploaded = false;

  if (status === null || !status.locked) {
    if (status !== null) {
      options.onStep(`firmware ${status.firmwareVersion} is running, unlocked: taking the console back to replace it (always: a version is only what the firmware says)`);
      const handedOver = await deviceCommand(session, "PROV CONSOLE");
      if (!handedOver.startsWith("OK "))
        throw new LinkError("refused", `the running firmware did not give the console back (${handedOver}): it cannot be replaced over this link; reset the board holding its button (the interpreter then skips boot code) and run again`);
    }
    options.onStep(`uploading ${options.bundle.board} firmware ${options.bundle.version} (${options.bundle.code.length} bytes), other boot code erased first`);
    await uploadBundle(session, options.bundle.code, options.onUpload);
    options.onStep("rebooting into the new firmware");
    await session.sendLine("\x10E.reboot()");
    status = await waitForFirmware(session);
    uploaded = true;
    if (status === null) throw new LinkError("garbage", "the device does not answer STATUS after the upload");
    if (status.firmwareVersion !== options.bundle.version)
      throw new LinkError("garbage", `after the upload the device reports firmware ${status.firmwareVersion}, not ${options.bundle.version}`);
  }
  if (status.board !== options.bundle.board)
    throw new Error(`the device runs ${status.board} firmware but the bundle is for ${options.bundle.board}: choose --board ${status.board}`);

  if (status.locked) {
    if (options.tapUrl !== undefined) options.onStep("the device is already locked: its NFC tap keeps the base URL it was provisioned with (--tap-url is not applied)");
    return { ...(await finishLockedDevice(session, hash, uploaded, options)), tapUrl: null };
  }

  const deviceId = status.deviceId !== null ? parseDeviceIdHex(status.deviceId)! : chooseDeviceId(options);
  const keyVersion = options.keystore.currentVersion;
  const deviceKey = options.keystore.deviceKey(keyVersion, deviceId);
  const idHex = deviceIdHex(deviceId);
  if (status.deviceId === null) {
    if (options.registry.getDevice(idHex)) throw new Error(`device ID ${idHex} is already registered to another device: pass another --device-id`);
    options.onStep(`writing device ID ${idHex}`);
    expectOk(await deviceCommand(session, `PROV ID ${idHex}`), "PROV ID");
  }
  options.onStep(`writing the device key (key version ${keyVersion})`);
  expectOk(await deviceCommand(session, `PROV KEY ${keyVersion} ${toHex(deviceKey)}`), "PROV KEY");
  deviceKey.fill(0);
  const clock = Math.floor(options.now().getTime() / 1000);
  options.onStep(`setting the clock to ${new Date(clock * 1000).toISOString()}`);
  expectOk(await deviceCommand(session, `PROV CLOCK ${clock}`), "PROV CLOCK");
  // Always said, so a re-run without --tap-url clears a URL an interrupted run had written.
  options.onStep(options.tapUrl === undefined ? "NFC tap: no base URL (--tap-url), so no phone opens the fob's NFC record by itself" : `NFC tap: the NFC form opens ${options.tapUrl}#<frame>`);
  expectOk(await deviceCommand(session, `PROV URL ${options.tapUrl ?? "-"}`), "PROV URL");
  options.onStep("locking the device: console detached, key unreadable, provisioning closed");
  expectOk(await deviceCommand(session, "PROV LOCK"), "PROV LOCK");
  const locked = await probe(session);
  if (locked === null || !locked.locked) throw new LinkError("garbage", "the device does not report itself locked after PROV LOCK");
  return { ...(await finishLockedDevice(session, hash, uploaded, options)), tapUrl: options.tapUrl ?? null };
}

/**
 * A locked device: prove its key with a challenge, then make sure the registry has it. A locked
 * device's STATUS does not name it (SPEC.md §10): its ID and clock come from the challenge
 * answer, whose MAC the key proves.
 */
async function finishLockedDevice(session: ConsoleSession, hash: string, uploaded: boolean, options: ProvisionOptions): Promise<Omit<ProvisionResult, "tapUrl">> {
  const nonce = new Uint8Array(randomBytes(16));
  const answer = parseAnswer(challengeAnswerLine, "CHAL", await deviceCommand(session, `CHAL ${toHex(nonce)}`));
  const deviceId = parseDeviceIdHex(answer.deviceId)!;
  const registered = options.registry.getDevice(answer.deviceId);
  const versions = registered ? [registered.keyVersion] : options.keystore.versions().reverse();
  const keyVersion = keyVersionOfAnswer(nonce, answer, deviceId, versions, options.keystore);
  if (keyVersion === null)
    throw new Error(`device ${answer.deviceId} is locked with a key this keystore did not issue: it cannot be provisioned here`);
  if (registered) {
    options.onStep(`device ${answer.deviceId} is locked and registered`);
    return { deviceId: answer.deviceId, board: registered.board, keyVersion, firmwareHash: registered.firmwareHash, uploaded, alreadyProvisioned: !uploaded };
  }
  const observedAt = options.now();
  options.registry.registerDevice({
    deviceId: answer.deviceId,
    board: options.bundle.board,
    firmwareHash: hash,
    keyVersion,
    provisionedAt: observedAt.toISOString(),
  });
  options.registry.recordClockObservation({ deviceId: answer.deviceId, observedAt: observedAt.toISOString(), deviceTime: answer.deviceTime, source: "provisioning" });
  options.onStep(`registered device ${answer.deviceId}`);
  return { deviceId: answer.deviceId, board: options.bundle.board, keyVersion, firmwareHash: hash, uploaded, alreadyProvisioned: false };
}

/** Which key version the challenge answer was made with, or null. */
function keyVersionOfAnswer(nonce: Uint8Array, answer: ChallengeAnswerLine, deviceId: number, versions: number[], keystore: Keystore): number | null {
  for (const version of versions) {
    const key = keystore.deviceKey(version, deviceId);
    const matches = challengeAnswerMatches(nodeSha256, key, nonce, {
      deviceId,
      deviceTime: answer.deviceTime,
      status: answer.status,
      journalSeq: answer.journalSeq,
      mac: fromHex(answer.mac)!,
    });
    key.fill(0);
    if (matches) return version;
  }
  return null;
}

/** STATUS from our firmware, or null when the console is a stock Espruino REPL. */
async function probe(session: ConsoleSession): Promise<StatusAnswerLine | null> {
  session.discardPending();
  await session.sendLine("STATUS");
  const line = await session.waitForLine(
    (l) => /^(OK STATUS|ERR) /.test(l.trim()) || /^Uncaught /.test(l),
    5_000,
    "asking the device for its STATUS",
  );
  if (line.startsWith("Uncaught ")) {
    // A stock console evaluated "STATUS" as JavaScript: make sure it is really a REPL.
    const answer = await evaluateOnConsole(session, `"repl"`, 5_000);
    if (answer !== "repl") throw new LinkError("garbage", "the device answers neither the firmware protocol nor a JavaScript console");
    return null;
  }
  return parseAnswer(statusAnswerLine, "STATUS", line);
}

async function waitForFirmware(session: ConsoleSession): Promise<StatusAnswerLine | null> {
  const deadline = Date.now() + BOOT_TIMEOUT_MS;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    try {
      return await probe(session);
    } catch (error) {
      lastError = error;
      if (error instanceof LinkError && error.fault === "dropped") throw error;
    }
  }
  throw new LinkError("timeout", `the device did not come back after reboot: ${(lastError as Error | null)?.message ?? "no answer"}`);
}

function chooseDeviceId(options: ProvisionOptions): number {
  if (options.deviceId !== undefined) return options.deviceId;
  let highest = 0;
  for (const device of options.registry.listDevices()) highest = Math.max(highest, parseDeviceIdHex(device.deviceId) ?? 0);
  if (highest >= 0xfffffffe) throw new Error("no device IDs are left: pass --device-id");
  return highest + 1;
}

/** Provisioning was asked to run over BLE: refused before anything is sent. */
export class UnencryptedLinkError extends Error {
  constructor() {
    super("the device key is written over a serial console only: the BLE Nordic UART has no link encryption, and whoever records the provisioning could forge the fob for life (protocol/SPEC.md §11.2); connect the board's serial console and use --serial");
  }
}

function expectOk(line: string, command: string): void {
  if (!line.startsWith("OK ")) throw new LinkError("refused", `the device refused ${command}: ${line}`);
}

