// The power model: documented currents of Puck.js v2 / nRF52832 applied to what the firmware did
// in a simulated day (simulator/device/powerLedger.ts counts it). Every figure names its source;
// firmware/README.md "Battery and the wake schedule" explains the choices.
import type { PowerCounts } from "../simulator/device/powerLedger.js";

/** Documented figures, each with its source. */
export const POWER_FIGURES = {
  /** CR2032 capacity, mAh: DESIGN.md section 5 ("~220 mAh"; makers rate 220-240 mAh to 2.0 V). */
  batteryMah: 220,
  /** Board asleep, RTC running, uA: Espruino, Puck.js page, Power Consumption: "Not doing anything - 3uA". */
  sleepUa: 3,
  /**
   * One connectable advertising event on 3 channels with a full 31-byte packet, uC: nRF52832
   * Product Specification v1.1, "Current consumption: Radio" (VDD 3 V, DC/DC, HFXO): TX 0 dBm
   * 7.1 mA, RX 6.5 mA at 1 Mb/s; per channel 376 us on air (47 bytes at 1 Mb/s) + 140 us TX
   * ramp-up, then 250 us listening for a scan or connect request:
   * 3 x (0.516 ms x 7.1 mA + 0.25 ms x 6.5 mA). Cross-check: Espruino's Puck.js page,
   * "Advertising, 375ms 0dBm (default mode) - 20uA", is (20 - 3) uA x 0.375 s = 6.4 uC for its
   * shorter default packet; DESIGN.md's "every 2 s < 10 uA" allows up to 14 uC. The largest is used.
   */
  advertEventUc: 3 * (0.516 * 7.1 + 0.25 * 6.5),
  /** Connected to a central at Espruino's default interval, uA: Puck.js page, "Connected via BLE - 200uA". */
  connectedUa: 200,
  /** CPU running JavaScript, mA: Puck.js page, "100% CPU usage running JavaScript - 4000uA" (nRF52832 PS: 3.7 mA from flash, DC/DC). */
  cpuMa: 4,
  /**
   * Interpreter time of one wake-up with no hashing (timer or event, a few statements), ms, and
   * of one HMAC-SHA256 with the JavaScript around it (frame, challenge answer or journal tag), ms.
   * Measured on Espruino 2v29 built for Linux (the Puck.js build, 13-byte JsVars) on this
   * machine's AMD EPYC at 2.6 GHz: 0.23 ms a trivial event, 1.1 to 2.1 ms a frame; scaled by 54,
   * the CoreMark ratio of that core (about 4.5 CoreMark/MHz x 2,600 MHz) to the nRF52832
   * (215 CoreMark from flash, nRF52832 PS). firmware/README.md says how it was run.
   */
  wakeMs: 12,
  hmacMs: 100,
  /** One LED lit, mA: Puck.js page, "One LED lit - 1000-2000uA" (the higher end). */
  ledMa: 2,
  /** Accelerometer left on, uA by rate: Puck.js page, "Puck.accelOn(1.6) ... 40uA", "Puck.accelOn() (12.5Hz) : 350uA". */
  accelOnUa: { "1.6": 40, "12.5": 350 } as Record<string, number>,
  /** One Puck.accel() reading, uC: the accelerometer on at 12.5 Hz (350 uA) for one 80 ms sample period. */
  accelReadUc: 350 * 0.08,
  /** NFC started, no field, uA: field sensing (NFCT SENSE) is specified well under 1 uA; 0.5 uA is assumed. */
  nfcSenseUa: 0.5,
  /**
   * One reader frame while a phone's field is present, uC: 1.8 mA (Nordic DevZone, "Current draw
   * when NFCT is active": NFCT in a field with the HFXO running, measured by Nordic at 3 V, DC/DC)
   * for 20 ms, the frame and its answer with the interpreter's handler.
   */
  nfcFrameUc: 1.8 * 20,
};

export interface PowerLine {
  what: string;
  /** Average current over the day, uA. */
  ua: number;
  detail: string;
}

/** The average current of each part of the day and the battery life they add up to. */
export function powerBudget(counts: PowerCounts, f: typeof POWER_FIGURES = POWER_FIGURES): { lines: PowerLine[]; totalUa: number; years: number } {
  const seconds = counts.spanMs / 1000;
  const perDay = (uc: number) => uc / seconds; // uC over the span -> uA
  const lines: PowerLine[] = [];
  lines.push({ what: "asleep (RTC, RAM kept)", ua: f.sleepUa, detail: `${f.sleepUa} uA` });
  let advertEvents = 0;
  const intervals: string[] = [];
  for (const [interval, ms] of Object.entries(counts.advertisingMsByInterval)) {
    const events = ms / Number(interval);
    advertEvents += events;
    intervals.push(`${Math.round(events)} events at ${interval} ms (${(ms / 60000).toFixed(0)} min)`);
  }
  lines.push({ what: "advertising", ua: perDay(advertEvents * f.advertEventUc), detail: `${intervals.join(", ")} x ${f.advertEventUc.toFixed(1)} uC` });
  const hmacs = counts.nativeHashes / 2;
  const jsSeconds = (counts.wakeUps * f.wakeMs + hmacs * f.hmacMs) / 1000;
  lines.push({
    what: "JavaScript (wake-ups, HMACs)",
    ua: perDay(jsSeconds * f.cpuMa * 1000),
    detail: `${counts.wakeUps} wake-ups x ${f.wakeMs} ms + ${hmacs} HMACs x ${f.hmacMs} ms = ${jsSeconds.toFixed(1)} s at ${f.cpuMa} mA`,
  });
  lines.push({
    what: "BLE connections",
    ua: perDay((counts.connectedMs / 1000) * (f.connectedUa - f.sleepUa)),
    detail: `${counts.connections} connections, ${(counts.connectedMs / 1000).toFixed(0)} s at ${f.connectedUa} uA`,
  });
  let accelUc = counts.accelSingleReads * f.accelReadUc;
  for (const [rate, ms] of Object.entries(counts.accelOnMsByRate)) accelUc += (ms / 1000) * (f.accelOnUa[rate] ?? f.accelOnUa["12.5"]);
  lines.push({
    what: "accelerometer",
    ua: perDay(accelUc),
    detail: `${counts.accelSingleReads} single readings x ${f.accelReadUc} uC` + Object.entries(counts.accelOnMsByRate).map(([r, ms]) => `, on at ${r} Hz for ${(ms / 3600000).toFixed(1)} h`).join(""),
  });
  lines.push({
    what: "NFC",
    ua: perDay((counts.nfcStartedMs / 1000) * f.nfcSenseUa + counts.nfcFrames * f.nfcFrameUc),
    detail: `started ${(counts.nfcStartedMs / 60000).toFixed(0)} min at ${f.nfcSenseUa} uA, ${counts.nfcFrames} reader frames x ${f.nfcFrameUc} uC`,
  });
  lines.push({ what: "LEDs", ua: perDay((counts.ledOnMs / 1000) * f.ledMa * 1000), detail: `${(counts.ledOnMs / 1000).toFixed(1)} LED-seconds at ${f.ledMa} mA` });
  const totalUa = lines.reduce((sum, l) => sum + l.ua, 0);
  const years = (f.batteryMah * 1000) / totalUa / 24 / 365.25;
  return { lines, totalUa, years };
}
