// Which fob to read when more than one is heard. The rule: the strongest signal (mean RSSI
// over the frames heard until the first fob read answered, bleRead.ts) is the nearest fob, the one in this home;
// its freshest frame (the last heard) is the one recorded. `--device <address>` overrides.
// The reason is always spelled out, so a caregiver next to a neighbour's fob can see it.
import type { AdvertisementSighting } from "../transport/advertisementScanner.js";

/** Closer than this, two fobs cannot be told apart by signal alone: the reader says so. */
export const AMBIGUOUS_RSSI_DB = 6;

export interface HeardDevice {
  address: string;
  peripheralId: string;
  meanRssi: number;
  frames: number;
  freshest: AdvertisementSighting;
}

export interface DeviceChoice {
  chosen: HeardDevice;
  others: HeardDevice[];
  reason: string;
}

export function heardDevices(sightings: AdvertisementSighting[]): HeardDevice[] {
  const byAddress = new Map<string, AdvertisementSighting[]>();
  for (const s of sightings) byAddress.set(s.address, [...(byAddress.get(s.address) ?? []), s]);
  return [...byAddress.entries()].map(([address, heard]) => {
    const freshest = heard.reduce((a, b) => (b.fields.step > a.fields.step || (b.fields.step === a.fields.step && b.heardAt >= a.heardAt) ? b : a));
    return {
      address,
      peripheralId: heard[0].peripheralId,
      meanRssi: Math.round(heard.reduce((sum, s) => sum + s.rssi, 0) / heard.length),
      frames: heard.length,
      freshest,
    };
  });
}

export function chooseDevice(sightings: AdvertisementSighting[], wanted?: string): DeviceChoice | null {
  const heard = heardDevices(sightings).sort((a, b) => b.meanRssi - a.meanRssi || b.freshest.heardAt - a.freshest.heardAt);
  if (heard.length === 0) return null;
  if (wanted) {
    const chosen = heard.find((d) => sameAddress(d.address, wanted));
    if (!chosen) return null;
    return { chosen, others: heard.filter((d) => d !== chosen), reason: `chosen with --device ${wanted}` };
  }
  const [chosen, ...others] = heard;
  if (others.length === 0) return { chosen, others, reason: `the only fob in range (RSSI ${chosen.meanRssi} dBm over ${chosen.frames} frames)` };
  const runnerUp = others[0];
  let reason =
    `${heard.length} fobs in range; chose ${chosen.address} (RSSI ${chosen.meanRssi} dBm over ${chosen.frames} frames) over ` +
    others.map((o) => `${o.address} (${o.meanRssi} dBm)`).join(", ") +
    ": the strongest signal is the nearest fob";
  if (chosen.meanRssi - runnerUp.meanRssi < AMBIGUOUS_RSSI_DB) {
    reason += `; the signals are within ${AMBIGUOUS_RSSI_DB} dB, so check you are next to the client's fob or pass --device <address>`;
  } else {
    reason += "; pass --device <address> to read another";
  }
  return { chosen, others, reason };
}

export function sameAddress(a: string, b: string): boolean {
  const norm = (s: string) => s.toLowerCase().replace(/[^0-9a-f]/g, "");
  return norm(a) === norm(b);
}
