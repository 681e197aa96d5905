// A progress bar on stderr for bulk work; silent when stderr is not a terminal or with --json.
import cliProgress from "cli-progress";

export interface Progress {
  update(done: number, total: number, phase?: string): void;
  stop(): void;
}

const SILENT: Progress = { update() {}, stop() {} };

export function createProgress(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled || !stream.isTTY) return SILENT;
  const bar = new cliProgress.SingleBar(
    { stream, format: "{phase} [{bar}] {percentage}% {value}/{total} {eta_formatted}", hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  let currentPhase = "";
  return {
    update(done, total, phase = "") {
      if (!started || phase !== currentPhase) {
        if (started) bar.stop();
        bar.start(total, done, { phase });
        started = true;
        currentPhase = phase;
      } else bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}
