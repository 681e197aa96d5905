// The console REPL of a stock Espruino: characters are echoed, a line is evaluated when it
// ends ("\r" or "\n") and its value printed as "=value", then the ">" prompt. A line that
// starts with "\x10" is neither echoed nor followed by its value (how uploaders send code).
// An unfinished statement (open brackets) waits for the next line; Ctrl-C drops the line.
// The conventions the official `espruino` tool (EspruinoTools core/codeWriter.js) relies on:
// ESC before a newline ("\x1b\n", Alt+Enter) is a newline inside the statement, never run on
// its own; "ESC [ n d" sets the line number of what follows (Espruino keeps it for debugging;
// here it is skipped); other ESC [ sequences (arrow keys) are ignored; echo(0) / echo(1) turn
// echo, results and prompt off and on.

export class ConsoleRepl {
  private buffer = "";
  private echoOff = false;
  private lastWasCr = false;
  /** echo(0) turns it off: no echo, no "=value", no prompt (print still prints). */
  private echoOn = true;
  /** Inside an escape sequence: "esc" after ESC, "csi" after ESC [. */
  private escape: "none" | "esc" | "csi" = "none";
  private readonly evaluate: (code: string) => unknown;
  private readonly write: (text: string) => void;

  constructor(evaluate: (code: string) => unknown, write: (text: string) => void) {
    this.evaluate = evaluate;
    this.write = write;
  }

  format(value: unknown): string {
    if (value === undefined) return "undefined";
    if (typeof value === "string") return JSON.stringify(value);
    if (typeof value === "function") return "function () { [code] }";
    if (typeof value === "object" && value !== null) {
      try {
        return JSON.stringify(value, (_k, v) => (ArrayBuffer.isView(v) ? Array.prototype.slice.call(v) : v)) ?? String(value);
      } catch {
        return String(value);
      }
    }
    return String(value);
  }

  /** echo(on): whether characters, results and the prompt are echoed. */
  setEcho(on: boolean): void {
    this.echoOn = on;
  }

  private echoing(): boolean {
    return this.echoOn && !this.echoOff;
  }

  feed(text: string): void {
    for (const ch of text) {
      if (this.escape === "esc") {
        this.escape = "none";
        if (ch === "\n" || ch === "\r") {
          this.buffer += "\n"; // a newline inside the statement (Alt+Enter)
          this.lastWasCr = ch === "\r";
          if (this.echoing()) this.write("\r\n:");
          continue;
        }
        if (ch === "[") {
          this.escape = "csi";
          continue;
        }
      } else if (this.escape === "csi") {
        // Parameters and intermediates until the final byte: "ESC [ 12 d" is a line number.
        if (ch >= "@" && ch <= "~") this.escape = "none";
        continue;
      }
      if (ch === "\x1b") {
        this.escape = "esc";
        continue;
      }
      if (ch === "\n" && this.lastWasCr) {
        this.lastWasCr = false;
        continue;
      }
      this.lastWasCr = ch === "\r";
      if (ch === "\r" || ch === "\n") {
        this.endOfLine();
      } else if (ch === "\x03") {
        this.buffer = "";
        this.echoOff = false;
        this.write("\r\n>");
      } else if (ch === "\x10" && this.buffer.length === 0) {
        this.echoOff = true;
      } else if (ch === "\x08" || ch === "\x7f") {
        if (this.buffer.length > 0) {
          this.buffer = this.buffer.slice(0, -1);
          if (this.echoing()) this.write("\x08 \x08");
        }
      } else {
        this.buffer += ch;
        if (this.echoing()) this.write(ch);
      }
    }
  }

  private endOfLine(): void {
    const code = this.buffer;
    const echo = this.echoing();
    if (echo) this.write("\r\n");
    if (code.trim().length === 0) {
      this.buffer = "";
      this.echoOff = false;
      if (echo) this.write(">");
      return;
    }
    let value: unknown;
    try {
      value = this.evaluate(code);
    } catch (error) {
      const maybe = error as { name?: string; message?: string };
      if (maybe && maybe.name === "SyntaxError" && /end of input|Unterminated template/.test(String(maybe.message))) {
        this.buffer += "\n";
        return; // wait for the rest of the statement
      }
      const e = error as { name?: string; message?: string };
      this.buffer = "";
      this.echoOff = false;
      this.write(`Uncaught ${e.name ?? "Error"}: ${e.message ?? String(error)}\r\n`);
      if (echo) this.write(">");
      return;
    }
    this.buffer = "";
    this.echoOff = false;
    if (echo) this.write("=" + this.format(value) + "\r\n>");
  }
}
