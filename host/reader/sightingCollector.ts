// One scan that runs for the whole BLE read: every fob frame heard is kept, and the read can
// wait for the first sighting that satisfies a condition (already heard or still to come).
import type { Noble } from "@stoprocent/noble";
import { startAdvertisementScan, type AdvertisementScan, type AdvertisementSighting } from "../transport/advertisementScanner.js";
import { LinkError } from "../transport/linkError.js";

interface Waiter {
  accepts: (sighting: AdvertisementSighting) => boolean;
  resolve: (sighting: AdvertisementSighting) => void;
}

export class SightingCollector {
  readonly sightings: AdvertisementSighting[] = [];
  private readonly waiters: Waiter[] = [];
  /** Sightings heard before the choice closed (all of them while it is open). */
  private choiceClosedAt: number | null = null;
  private constructor(private readonly scan: AdvertisementScan) {}

  static async start(noble: Noble): Promise<SightingCollector> {
    let collector: SightingCollector | null = null;
    const early: AdvertisementSighting[] = [];
    const scan = await startAdvertisementScan(noble, (sighting) => (collector ? collector.heard(sighting) : early.push(sighting))).catch((error: Error) => {
      throw new LinkError("unavailable", `cannot scan: ${error.message}`);
    });
    collector = new SightingCollector(scan);
    for (const sighting of early) collector.heard(sighting);
    return collector;
  }

  private heard(sighting: AdvertisementSighting): void {
    this.sightings.push(sighting);
    for (const waiter of [...this.waiters]) {
      if (!waiter.accepts(sighting)) continue;
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(sighting);
    }
  }

  /** The first sighting (from index `from` on) that `accepts`, or null after `timeoutMs`. */
  first(accepts: (sighting: AdvertisementSighting) => boolean, timeoutMs: number, from = 0): Promise<AdvertisementSighting | null> {
    const already = this.sightings.slice(from).find(accepts);
    if (already) return Promise.resolve(already);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        accepts,
        resolve: (sighting) => {
          clearTimeout(timer);
          resolve(sighting);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        resolve(null);
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Frames heard from now on no longer count for the choice of fob (they still answer first()). */
  closeChoice(): void {
    if (this.choiceClosedAt === null) this.choiceClosedAt = this.sightings.length;
  }

  /** The sightings that count for the choice of fob. */
  forChoice(): AdvertisementSighting[] {
    return this.choiceClosedAt === null ? this.sightings : this.sightings.slice(0, this.choiceClosedAt);
  }

  /** Scans again (noble stops the scan to connect). */
  async resume(): Promise<void> {
    await this.scan.resume().catch(() => undefined);
  }

  async stop(): Promise<void> {
    await this.scan.stop().catch(() => undefined);
  }
}
