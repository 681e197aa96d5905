// What a simulated board does that costs battery, counted in world time as it runs: the
// interpreter's wake-ups (every event it ran) and the native hashes they made (an HMAC is two),
// time spent advertising at each interval, BLE connections and their time, NFC started time
// and reader frames, accelerometer time at each rate and single readings, LED time, bytes
// programmed into flash. bench/powerModel.ts turns these into current with documented figures.

export interface PowerState {
  /** Advertising interval in ms, or null when not advertising (connected, asleep, nothing set). */
  advertisingIntervalMs: number | null;
  connected: boolean;
  nfcStarted: boolean;
  accelRateHz: number;
  ledsOn: number;
}

export interface PowerCounts {
  /** World time covered, ms. */
  spanMs: number;
  wakeUps: number;
  nativeHashes: number;
  /** ms advertised at each interval (key: interval in ms). */
  advertisingMsByInterval: Record<string, number>;
  connections: number;
  connectedMs: number;
  nfcStartedMs: number;
  nfcFrames: number;
  /** ms with the accelerometer on, by rate in Hz. */
  accelOnMsByRate: Record<string, number>;
  accelSingleReads: number;
  /** LED-ms (two LEDs lit for 1 ms count 2). */
  ledOnMs: number;
  flashBytesProgrammed: number;
}

export function emptyPowerCounts(): PowerCounts {
  return {
    spanMs: 0,
    wakeUps: 0,
    nativeHashes: 0,
    advertisingMsByInterval: {},
    connections: 0,
    connectedMs: 0,
    nfcStartedMs: 0,
    nfcFrames: 0,
    accelOnMsByRate: {},
    accelSingleReads: 0,
    ledOnMs: 0,
    flashBytesProgrammed: 0,
  };
}

export class PowerLedger {
  private counts: PowerCounts = emptyPowerCounts();
  private since: number;
  private state: PowerState | null = null;
  private hashesAtStart = 0;
  private accelReadsAtStart = 0;
  private flashAtStart = 0;

  constructor(
    nowMs: number,
    private readonly totals: () => { nativeHashes: number; accelSingleReads: number; flashBytesProgrammed: number },
  ) {
    this.since = nowMs;
  }

  /** Accounts the time since the last call in the state then, and takes the state from now on. */
  observe(nowMs: number, state: PowerState): void {
    const ms = nowMs - this.since;
    const was = this.state;
    if (was !== null && ms > 0) {
      const c = this.counts;
      c.spanMs += ms;
      if (was.advertisingIntervalMs !== null) c.advertisingMsByInterval[was.advertisingIntervalMs] = (c.advertisingMsByInterval[was.advertisingIntervalMs] ?? 0) + ms;
      if (was.connected) c.connectedMs += ms;
      if (was.nfcStarted) c.nfcStartedMs += ms;
      if (was.accelRateHz > 0) c.accelOnMsByRate[was.accelRateHz] = (c.accelOnMsByRate[was.accelRateHz] ?? 0) + ms;
      c.ledOnMs += was.ledsOn * ms;
    }
    if (was !== null && !was.connected && state.connected) this.counts.connections++;
    this.since = nowMs;
    this.state = state;
  }

  wokeUp(): void {
    this.counts.wakeUps++;
  }

  nfcFrame(): void {
    this.counts.nfcFrames++;
  }

  /** The counts since the last reset, up to nowMs. */
  read(nowMs: number): PowerCounts {
    if (this.state !== null) this.observe(nowMs, this.state);
    const totals = this.totals();
    return {
      ...this.counts,
      advertisingMsByInterval: { ...this.counts.advertisingMsByInterval },
      accelOnMsByRate: { ...this.counts.accelOnMsByRate },
      nativeHashes: totals.nativeHashes - this.hashesAtStart,
      accelSingleReads: totals.accelSingleReads - this.accelReadsAtStart,
      flashBytesProgrammed: totals.flashBytesProgrammed - this.flashAtStart,
    };
  }

  /** Starts counting afresh from nowMs (after provisioning, say). */
  reset(nowMs: number): void {
    if (this.state !== null) this.observe(nowMs, this.state);
    this.counts = emptyPowerCounts();
    const totals = this.totals();
    this.hashesAtStart = totals.nativeHashes;
    this.accelReadsAtStart = totals.accelSingleReads;
    this.flashAtStart = totals.flashBytesProgrammed;
  }
}
