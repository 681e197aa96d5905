// A device clock model from its observation history: offset (device - true, seconds) as a
// straight line in true time, fitted by least squares over the latest observations.
export interface ClockSample {
  /** Trusted time of the observation, Unix milliseconds. */
  observedMs: number;
  /** Device clock at that moment, Unix seconds. */
  deviceTime: number;
}

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
