import { describe, expect, it } from "vitest";
import type { Peripheral } from "@stoprocent/noble";
import { chooseDevice } from "../../host/reader/deviceChoice.js";
import type { AdvertisementSighting } from "../../host/transport/advertisementScanner.js";

const sighting = (address: string, rssi: number, step: number, heardAt: number): AdvertisementSighting => ({
  peripheralId: address.replace(/:/g, ""),
  address,
  rssi,
  connectable: true,
  frame: new Uint8Array(24),
  frameHex: "00".repeat(24),
  fields: { kind: 1, step, status: 8 },
  heardAt,
  peripheral: {} as Peripheral,
});

describe("device choice", () => {
  it("picks the strongest mean signal and records its freshest frame", () => {
    const choice = chooseDevice([sighting("aa:00:00:00:00:01", -70, 10, 1), sighting("aa:00:00:00:00:02", -50, 10, 2), sighting("aa:00:00:00:00:02", -52, 11, 3)])!;
    expect(choice.chosen.address).toBe("aa:00:00:00:00:02");
    expect(choice.chosen.freshest.fields.step).toBe(11);
    expect(choice.reason).toMatch(/2 fobs in range; chose aa:00:00:00:00:02/);
  });
  it("warns when the signals are too close to tell the fobs apart", () => {
    const choice = chooseDevice([sighting("aa:00:00:00:00:01", -60, 10, 1), sighting("aa:00:00:00:00:02", -57, 10, 2)])!;
    expect(choice.reason).toContain("within 6 dB");
  });
  it("honours an explicit address in any case or separator style", () => {
    const choice = chooseDevice([sighting("aa:00:00:00:00:01", -90, 10, 1), sighting("aa:00:00:00:00:02", -40, 10, 2)], "AA-00-00-00-00-01")!;
    expect(choice.chosen.address).toBe("aa:00:00:00:00:01");
  });
  it("returns nothing when the wanted fob was not heard", () => {
    expect(chooseDevice([sighting("aa:00:00:00:00:01", -50, 1, 1)], "bb:00:00:00:00:01")).toBeNull();
  });
});
