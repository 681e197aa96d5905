// The shared counters between verification workers and the writer thread (an Int32Array over a
// SharedArrayBuffer): answers posted, which the writer waits on, and pairs verified, which tell
// the writer that a worker on a long slice is still alive.
export const SIGNAL_RESULTS = 0;
export const SIGNAL_PROGRESS = 1;
export const SIGNAL_LENGTH = 2;
