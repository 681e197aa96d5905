// A read over BLE: listen for fob advertisements (duplicates allowed), gather long enough to
// hear every fob in range, choose one (deviceChoice.ts), then connect over the Nordic UART
// and challenge it. A fob that advertises non-connectable is recorded by its frame alone.
// A fob changes its BLE address every 15 minutes (firmware/README.md "Address rotation"): when
// the connection fails, the reader listens once more and connects to the fob heard again.
import type { Noble } from "@stoprocent/noble";
import { openBluetoothAdapter } from "../transport/bluetoothAdapter.js";
import { startAdvertisementScan, type AdvertisementScan, type AdvertisementSighting } from "../transport/advertisementScanner.js";
import { LinkError } from "../transport/linkError.js";
import { openNordicUartLink } from "../transport/nordicUartLink.js";
import type { DeviceLink } from "../transport/deviceLink.js";
import { challengeDevice, type ChallengeOutcome } from "./challengeFlow.js";
import { chooseDevice, heardDevices, sameAddress, type DeviceChoice } from "./deviceChoice.js";
import type { Capture } from "./readingRecord.js";

export interface BleReadOptions {
  /** Give up when no fob is heard within this. */
  scanTimeoutMs: number;
  /** After the first frame, keep listening this long (and until the first fob is heard twice). */
  gatherMs: number;
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
  /** ms from scan start: first fob frame heard, device chosen, challenge answered. */
  timings: { firstFrameMs: number; chosenMs: number; capturedMs: number };
}

export async function readOverBle(options: BleReadOptions): Promise<BleReadResult> {
  const adapter = await openBluetoothAdapter(undefined, options.noble);
  try {
    const started = Date.now();
    const sightings = await gatherSightings(adapter.noble, options);
    const firstFrameMs = sightings[0].heardAt - started;
    const firstChoice = chooseDevice(sightings, options.device);
    if (!firstChoice) throw new LinkError("not-found", `no advertisement from ${options.device} was heard`);
    const { choice, link, chosenAt } = await connectToChosen(adapter.noble, firstChoice, options);
    const heard = choice.chosen.freshest;
    const chosenMs = chosenAt - started;
    if (link === null) {
      return {
        capture: { method: "advert", transport: "ble", frame: heard.frameHex, rssi: heard.rssi },
        choice,
        outcome: null,
        timings: { firstFrameMs, chosenMs, capturedMs: Date.now() - started },
      };
    }
    try {
      const outcome = await challengeDevice(link, options.answerTimeoutMs);
      return {
        capture: { method: "challenge", transport: "ble", challenge: outcome.evidence, frame: heard.frameHex, rssi: heard.rssi },
        choice,
        outcome,
        timings: { firstFrameMs, chosenMs, capturedMs: Date.now() - started },
      };
    } finally {
      await link.close();
    }
  } finally {
    adapter.release();
  }
}

/** Why a fob heard a moment ago may not answer at its address any more. */
const ADDRESS_CHANGED_HINT = "the fob may have changed its address (it does every 15 minutes)";

/**
 * Connects to the chosen fob (link null: it advertises non-connectable, its frame is the
 * evidence). When the connection fails, the fob most likely rotated its address between the
 * scan and the connection: listen once more and connect to the fob chosen again (the
 * strongest). With --device there is nothing to listen for: the address given is gone.
 */
async function connectToChosen(noble: Noble, choice: DeviceChoice, options: BleReadOptions): Promise<{ choice: DeviceChoice; link: DeviceLink | null; chosenAt: number }> {
  const chosenAt = Date.now();
  if (!choice.chosen.freshest.connectable) return { choice, link: null, chosenAt };
  options.onProgress?.(`connecting to ${choice.chosen.address}`);
  try {
    return { choice, link: await openNordicUartLink(choice.chosen.freshest.peripheral, options.connectTimeoutMs), chosenAt };
  } catch (error) {
    const why = (error as Error).message;
    const fault = error instanceof LinkError ? error.fault : "not-found";
    if (options.device) throw new LinkError(fault, `could not connect to ${options.device} (${why}): ${ADDRESS_CHANGED_HINT}; run again without --device`);
    options.onProgress?.(`could not connect to ${choice.chosen.address} (${why}); ${ADDRESS_CHANGED_HINT}: listening again`);
  }
  const again = chooseDevice(await gatherSightings(noble, options))!;
  const chosenAgainAt = Date.now();
  if (!again.chosen.freshest.connectable) return { choice: again, link: null, chosenAt: chosenAgainAt };
  options.onProgress?.(`connecting to ${again.chosen.address}`);
  return { choice: again, link: await openNordicUartLink(again.chosen.freshest.peripheral, options.connectTimeoutMs), chosenAt: chosenAgainAt };
}

function gatherSightings(noble: Noble, options: BleReadOptions): Promise<AdvertisementSighting[]> {
  return new Promise((resolve, reject) => {
    const sightings: AdvertisementSighting[] = [];
    let gatherTimer: NodeJS.Timeout | null = null;
    let finished = false;
    let scan: AdvertisementScan | null = null;
    const finish = (error: Error | null) => {
      if (finished) return;
      finished = true;
      clearTimeout(scanTimer);
      if (gatherTimer) clearTimeout(gatherTimer);
      const stopped = scan ? scan.stop() : Promise.resolve();
      stopped.catch(() => undefined).then(() => (error ? reject(error) : resolve(sightings)));
    };
    const enough = () => {
      if (options.device) return sightings.some((s) => sameAddress(s.address, options.device!));
      const first = sightings[0].address;
      return gatherTimer === null && sightings.filter((s) => s.address === first).length >= 2;
    };
    const scanTimer = setTimeout(() => {
      const others = heardDevices(sightings).map((d) => d.address);
      const message = options.device
        ? `no advertisement from ${options.device} within ${options.scanTimeoutMs} ms` +
          (others.length ? ` (heard only ${others.join(", ")})` : "") +
          `: ${ADDRESS_CHANGED_HINT}; run again without --device`
        : `no fob advertisement heard within ${options.scanTimeoutMs} ms: is the fob within a few metres and advertising?`;
      finish(new LinkError("not-found", message));
    }, options.scanTimeoutMs);
    let gathered = false;
    startAdvertisementScan(noble, (sighting) => {
      if (finished) return;
      sightings.push(sighting);
      if (sightings.length === 1 && !options.device) {
        options.onProgress?.(`heard ${sighting.address}; listening ${options.gatherMs} ms for other fobs`);
        gatherTimer = setTimeout(() => {
          gatherTimer = null;
          gathered = true;
          if (enough()) finish(null);
        }, options.gatherMs);
      }
      if ((options.device || gathered) && enough()) finish(null);
    })
      .then((started) => {
        scan = started;
        if (finished) started.stop().catch(() => undefined);
      })
      .catch((error: Error) => finish(new LinkError("unavailable", `cannot scan: ${error.message}`)));
  });
}
