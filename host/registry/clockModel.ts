// A device clock model from its observation history: offset (device - true, seconds) as a
// straight line in true time, fitted by least squares over the latest observations.
//
// The model the verifier uses is causal and knows that a time sync resets the clock
// (ClockHistory.modelAt): a reading is corrected with what was known up to its own time, since
// the last time the clock was set; an observation made days later (a sync that finds the clock
// 25 minutes off) says nothing about whether the clock had already jumped at the reading.
export interface ClockSample {
  /** Trusted time of the observation, Unix milliseconds. */
  observedMs: number;
  /** Device clock at that moment, Unix seconds. */
  deviceTime: number;
  /** "provisioning" and "time-sync": the clock was set to the true time right after (see CLOCK_SETTING_SOURCES). */
  source?: string;
}

/** Observation sources after which the device clock was set to the trusted time. */
export const CLOCK_SETTING_SOURCES: readonly string[] = ["provisioning", "time-sync"];

export interface ClockModel {
  /** Reference instant (ms) the line is anchored at. */
  referenceMs: number;
  /** Device minus true time at referenceMs, seconds. */
  offsetSeconds: number;
  /** Drift rate, seconds gained per second (e.g. 5e-4 = 43 s/day fast). */
  driftRate: number;
  samples: number;
}

export const NO_CLOCK_HISTORY: ClockModel = { referenceMs: 0, offsetSeconds: 0, driftRate: 0, samples: 0 };

/** Uses at most the latest `window` samples; one sample gives a constant offset. */
export function fitClockModel(history: readonly ClockSample[], window = 20): ClockModel {
  if (history.length === 0) return NO_CLOCK_HISTORY;
  const samples = [...history].sort((a, b) => a.observedMs - b.observedMs).slice(-window);
  const referenceMs = samples[samples.length - 1].observedMs;
  const points = samples.map((s) => ({ x: (s.observedMs - referenceMs) / 1000, y: s.deviceTime - s.observedMs / 1000 }));
  if (points.length === 1) return { referenceMs, offsetSeconds: points[0].y, driftRate: 0, samples: 1 };
  const n = points.length;
  const meanX = points.reduce((sum, p) => sum + p.x, 0) / n;
  const meanY = points.reduce((sum, p) => sum + p.y, 0) / n;
  let sxx = 0;
  let sxy = 0;
  for (const p of points) {
    sxx += (p.x - meanX) * (p.x - meanX);
    sxy += (p.x - meanX) * (p.y - meanY);
  }
  if (sxx === 0) return { referenceMs, offsetSeconds: meanY, driftRate: 0, samples: n };
  const driftRate = sxy / sxx;
  return { referenceMs, offsetSeconds: meanY - driftRate * meanX, driftRate, samples: n };
}

/** Predicted device-minus-true offset (seconds) at a true instant. */
export function offsetAt(model: ClockModel, trueMs: number): number {
  return model.offsetSeconds + model.driftRate * ((trueMs - model.referenceMs) / 1000);
}

/** The true time (ms) a device clock reading stands for, after drift correction. */
export function correctDeviceTime(model: ClockModel, deviceSeconds: number): number {
  if (model.samples === 0) return deviceSeconds * 1000;
  const first = deviceSeconds - offsetAt(model, deviceSeconds * 1000);
  return Math.round((deviceSeconds - offsetAt(model, first * 1000)) * 1000);
}

/** Segments of no drift knowledge shorter than this do not give a drift rate. */
const MIN_RATE_SPAN_MS = 3600_000;

/**
 * A device's clock history, queried by time. `modelAt(t)` uses only observations made at or
 * before t, and only since the clock was last set: after a time sync the offset restarts at 0
 * and the drift rate carries over from the segment the sync ended (an oscillator keeps its
 * rate); after provisioning it starts at the offset measured then.
 */
export class ClockHistory {
  private readonly samples: ClockSample[];
  /** Breakpoints (observation times) and the model in force from each. */
  private readonly breakpoints: number[] = [];
  private readonly models: ClockModel[] = [];

  constructor(samples: readonly ClockSample[]) {
    this.samples = [...samples].sort((a, b) => a.observedMs - b.observedMs);
    for (const sample of this.samples) {
      if (this.breakpoints[this.breakpoints.length - 1] === sample.observedMs) continue;
      this.breakpoints.push(sample.observedMs);
      this.models.push(this.fitAt(sample.observedMs));
    }
  }

  get size(): number {
    return this.samples.length;
  }

  modelAt(trueMs: number): ClockModel {
    let lo = 0;
    let hi = this.breakpoints.length - 1;
    if (hi < 0 || trueMs < this.breakpoints[0]) return NO_CLOCK_HISTORY;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.breakpoints[mid] <= trueMs) lo = mid;
      else hi = mid - 1;
    }
    return this.models[lo];
  }

  private fitAt(trueMs: number): ClockModel {
    const prior = this.samples.filter((s) => s.observedMs <= trueMs);
    const setIndex = lastIndexWhere(prior, (s) => CLOCK_SETTING_SOURCES.includes(s.source ?? ""));
    const start = setIndex < 0 ? 0 : setIndex;
    const anchor = prior[start];
    // A time-sync observation holds the clock as found; right after it the clock reads true.
    const anchorPoint = anchor.source === "time-sync" ? { observedMs: anchor.observedMs, deviceTime: anchor.observedMs / 1000 } : anchor;
    const points = [anchorPoint, ...prior.slice(start + 1)];
    if (points.length >= 2) return fitClockModel(points);
    return { referenceMs: anchorPoint.observedMs, offsetSeconds: anchorPoint.deviceTime - anchorPoint.observedMs / 1000, driftRate: this.rateBefore(prior, start), samples: prior.length };
  }

  /** The drift rate of the segment that the sync at `syncIndex` ended, or 0. */
  private rateBefore(prior: ClockSample[], syncIndex: number): number {
    if (syncIndex <= 0 || prior[syncIndex].source !== "time-sync") return 0;
    const previousSet = lastIndexWhere(prior.slice(0, syncIndex), (s) => CLOCK_SETTING_SOURCES.includes(s.source ?? ""));
    const from = previousSet < 0 ? 0 : previousSet;
    const first = prior[from];
    const firstPoint = first.source === "time-sync" ? { observedMs: first.observedMs, deviceTime: first.observedMs / 1000 } : first;
    const segment = [firstPoint, ...prior.slice(from + 1, syncIndex + 1)];
    if (prior[syncIndex].observedMs - firstPoint.observedMs < MIN_RATE_SPAN_MS) return 0;
    return fitClockModel(segment).driftRate;
  }
}

function lastIndexWhere<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (test(items[i])) return i;
  return -1;
}
