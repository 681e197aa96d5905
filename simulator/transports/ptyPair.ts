// A linked pair of pseudo-terminals from simulator/transports/ptyPair.py (Python's standard
// library: present on every machine we build on, unlike socat; no native build, unlike
// node-pty). One side is opened by the simulator, the other by the host with the real
// serialport, exactly as a USB-serial adapter would be.
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { z } from "zod";

const scriptPath = fileURLToPath(new URL("./ptyPair.py", import.meta.url));
const announcement = z.object({ a: z.string().startsWith("/dev/"), b: z.string().startsWith("/dev/"), pid: z.number().int() });

export class PtyPair {
  private constructor(
    private readonly child: ChildProcess,
    /** The slave path for the host (what a USB adapter's /dev/ttyACM0 would be). */
    readonly hostPath: string,
    /** The slave path the simulator opens. */
    readonly devicePath: string,
  ) {}

  static async open(python = process.env.EVV_PYTHON ?? "python3"): Promise<PtyPair> {
    const child = spawn(python, [scriptPath], { stdio: ["pipe", "pipe", "inherit"] });
    const paths = await new Promise<z.infer<typeof announcement>>((resolve, reject) => {
      let text = "";
      const onData = (chunk: Buffer) => {
        text += chunk.toString("utf8");
        const end = text.indexOf("\n");
        if (end < 0) return;
        child.stdout!.off("data", onData);
        const parsed = announcement.safeParse(JSON.parse(text.slice(0, end)));
        if (parsed.success) resolve(parsed.data);
        else reject(new Error(`pty pair provider said something unexpected: ${text.slice(0, end)}`));
      };
      child.stdout!.on("data", onData);
      child.once("error", (error) => reject(new Error(`cannot start ${python} for the pty pair: ${error.message}`)));
      child.once("exit", (code) => reject(new Error(`pty pair provider exited early (code ${code})`)));
    });
    child.unref();
    (child.stdout as unknown as { unref?: () => void }).unref?.();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    return new PtyPair(child, paths.a, paths.b);
  }

  /** Closes the host side's line as a pulled cable would: the host's port sees a hang-up. */
  hangUpHostSide(): void {
    this.child.stdin?.write("hangup a\n");
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once("exit", () => resolve()));
    this.child.stdin?.end();
    const timer = setTimeout(() => this.child.kill("SIGKILL"), 2000);
    await exited;
    clearTimeout(timer);
  }
}
