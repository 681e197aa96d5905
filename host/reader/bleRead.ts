// A read over BLE, as quick as the radio allows: one scan (duplicates allowed) runs for the
// whole read; the reader connects over the Nordic UART to the first frame that decodes as a
// fob's and challenges it, and keeps listening while it does (noble stops the scan to
// initiate the connection; it scans again once connected). Two fobs in range: when a stronger
// fob was heard before the first one's challenge was answered, the reader reads that one
// instead (deviceChoice.ts: the strongest signal is the nearest fob). This costs no wait when
// one fob is in range, and a second connection only when a stronger fob was heard. A fob that advertises non-connectable is recorded by its frame alone.
// A fob changes its BLE address every 15 minutes (firmware/README.md "Address rotation"): when
// the connection fails, the reader listens once more and connects to the fob heard again.
import type { Noble } from "@stoprocent/noble";
import { openBluetoothAdapter } from "../transport/bluetoothAdapter.js";
import type { AdvertisementSighting } from "../transport/advertisementScanner.js";
import { LinkError } from "../transport/linkError.js";
import { openNordicUartLink } from "../transport/nordicUartLink.js";
import type { DeviceLink } from "../transport/deviceLink.js";
import { challengeDevice, type ChallengeOutcome } from "./challengeFlow.js";
import { chooseDevice, heardDevices, sameAddress, type DeviceChoice } from "./deviceChoice.js";
import type { Capture } from "./readingRecord.js";
import { SightingCollector } from "./sightingCollector.js";

export interface BleReadOptions {
  /** Give up when no fob is heard within this. */
  scanTimeoutMs: number;
  answerTimeoutMs: number;
  connectTimeoutMs: number;
  /** Read this address only. */
  device?: string;
  /** In-process noble (tests); default: the default noble instance. */
  noble?: Noble;
  onProgress?: (message: string) => void;
}

export interface BleReadResult {
  capture: Capture;
  choice: DeviceChoice;
  outcome: ChallengeOutcome | null;
  /** ms from scan start: first fob frame heard, device chosen (connecting), challenge answered. */
  timings: { firstFrameMs: number; chosenMs: number; capturedMs: number };
}

/** Why a fob heard a moment ago may not answer at its address any more. */
const ADDRESS_CHANGED_HINT = "the fob may have changed its address (it does every 15 minutes)";

interface OneRead {
  heard: AdvertisementSighting;
  outcome: ChallengeOutcome | null;
  chosenAt: number;
  /** An address that did not answer (the fob rotated away from it), else null. */
  gone: string | null;
}

/** What the choice is made from: frames heard until the first fob read answered, and every frame of the fob read; never an address that did not answer. */
function choicePool(collector: SightingCollector, read: OneRead): AdvertisementSighting[] {
  const inWindow = new Set(collector.forChoice());
  return collector.sightings.filter((s) => (inWindow.has(s) || s.address === read.heard.address) && s.address !== read.gone);
}

export async function readOverBle(options: BleReadOptions): Promise<BleReadResult> {
  const adapter = await openBluetoothAdapter(undefined, options.noble);
  try {
    const started = Date.now();
    const collector = await SightingCollector.start(adapter.noble);
    try {
      const wanted = options.device;
      const first = await collector.first((s) => !wanted || sameAddress(s.address, wanted), options.scanTimeoutMs);
      if (first === null) throw notHeard(collector, options);
      const firstFrameMs = first.heardAt - started;
      {
        let read = await readOne(collector, first, options);
        collector.closeChoice();
        let choice = chooseDevice(choicePool(collector, read), wanted)!;
        if (!wanted && choice.chosen.address !== read.heard.address) {
          options.onProgress?.(`heard ${choice.chosen.address} stronger than ${read.heard.address} while reading it: reading ${choice.chosen.address} instead`);
          read = await readOne(collector, choice.chosen.freshest, options);
          choice = chooseDevice(choicePool(collector, read), wanted)!;
        }
        const heard = read.heard;
        const timings = { firstFrameMs, chosenMs: read.chosenAt - started, capturedMs: Date.now() - started };
        if (read.outcome === null) return { capture: { method: "advert", transport: "ble", frame: heard.frameHex, rssi: heard.rssi }, choice, outcome: null, timings };
        return {
          capture: { method: "challenge", transport: "ble", challenge: read.outcome.evidence, frame: heard.frameHex, rssi: heard.rssi },
          choice,
          outcome: read.outcome,
          timings,
        };
      }
    } finally {
      await collector.stop();
    }
  } finally {
    adapter.release();
  }
}

function notHeard(collector: SightingCollector, options: BleReadOptions): LinkError {
  const others = heardDevices(collector.sightings).map((d) => d.address);
  const message = options.device
    ? `no advertisement from ${options.device} within ${options.scanTimeoutMs} ms` +
      (others.length ? ` (heard only ${others.join(", ")})` : "") +
      `: ${ADDRESS_CHANGED_HINT}; run again without --device`
    : `no fob advertisement heard within ${options.scanTimeoutMs} ms: press the fob's button (a Puck.js is on air for 2 minutes after a press) and read again within a few metres`;
  return new LinkError("not-found", message);
}

/**
 * Connects to the fob of this sighting and challenges it (outcome null: it advertises
 * non-connectable, its frame is the evidence). When the connection fails, the fob most likely
 * rotated its address between the scan and the connection: listen once more and read the fob
 * heard next at another address. With --device there is nothing to listen for: the address
 * given is gone.
 */
async function readOne(collector: SightingCollector, heard: AdvertisementSighting, options: BleReadOptions): Promise<OneRead> {
  const chosenAt = Date.now();
  if (!heard.connectable) return { heard, outcome: null, chosenAt, gone: null };
  options.onProgress?.(`connecting to ${heard.address}`);
  const failedAt = collector.sightings.length;
  let link: DeviceLink;
  try {
    link = await openNordicUartLink(heard.peripheral, options.connectTimeoutMs);
    await collector.resume();
  } catch (error) {
    const why = (error as Error).message;
    const fault = error instanceof LinkError ? error.fault : "not-found";
    if (options.device) throw new LinkError(fault, `could not connect to ${options.device} (${why}): ${ADDRESS_CHANGED_HINT}; run again without --device`);
    options.onProgress?.(`could not connect to ${heard.address} (${why}); ${ADDRESS_CHANGED_HINT}: listening again`);
    await collector.resume();
    const again = await collector.first((s) => s.address !== heard.address, options.scanTimeoutMs, failedAt);
    if (again === null) throw notHeard(collector, options);
    const chosenAgainAt = Date.now();
    if (!again.connectable) return { heard: again, outcome: null, chosenAt: chosenAgainAt, gone: heard.address };
    options.onProgress?.(`connecting to ${again.address}`);
    const linkAgain = await openNordicUartLink(again.peripheral, options.connectTimeoutMs);
    await collector.resume();
    return { heard: again, outcome: await challengeOver(linkAgain, options), chosenAt: chosenAgainAt, gone: heard.address };
  }
  return { heard, outcome: await challengeOver(link, options), chosenAt, gone: null };
}

async function challengeOver(link: DeviceLink, options: BleReadOptions): Promise<ChallengeOutcome> {
  try {
    return await challengeDevice(link, options.answerTimeoutMs);
  } finally {
    await link.close();
  }
}
