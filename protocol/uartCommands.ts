// The UART command protocol, spoken over the serial console and the BLE Nordic UART.
// One ASCII line per request and per answer, "\n"-terminated ("\r\n" accepted), words
// separated by single spaces. Answers start with "OK <COMMAND>" or "ERR <REASON>".
// See SPEC.md "UART command protocol" for every command's words.

export const UART_MAX_REQUEST_LENGTH = 200;
export const UART_JOURNAL_MAX_RECORDS = 8;

export const CMD_STATUS = "STATUS";
export const CMD_CODE = "CODE";
export const CMD_CHALLENGE = "CHAL";
export const CMD_JOURNAL = "JOURNAL";
export const CMD_SYNC_REQUEST = "SYNCREQ";
export const CMD_SYNC = "SYNC";
export const CMD_PROVISION = "PROV";
export const CMD_ZONE = "ZONE";

export const PROV_ID = "ID";
export const PROV_KEY = "KEY";
export const PROV_CLOCK = "CLOCK";
export const PROV_LOCK = "LOCK";
export const PROV_CONSOLE = "CONSOLE";
export const PROV_URL = "URL";
/** `PROV URL -`: no base URL, the NFC form stays "evv:1/<hex>". */
export const PROV_URL_NONE = "-";

export const ERR_UNKNOWN = "UNKNOWN";
export const ERR_SYNTAX = "SYNTAX";
export const ERR_CLOCK = "CLOCK";
export const ERR_LOCKED = "LOCKED";
export const ERR_AUTH = "AUTH";
export const ERR_NOT_PROVISIONED = "UNPROVISIONED";
export const ERR_TOO_LONG = "TOOLONG";

export function uartLine(words: string[]): string {
  return words.join(" ") + "\n";
}

/** Splits one line (without its terminator) into words; empty words are dropped. */
export function uartWords(line: string): string[] {
  const words: string[] = [];
  const raw = line.split(" ");
  for (const w of raw) {
    const trimmed = w.trim();
    if (trimmed.length > 0) words.push(trimmed);
  }
  return words;
}

/** Unsigned 32-bit decimal, or null. */
export function parseU32(word: string): number | null {
  if (word.length === 0 || word.length > 10) return null;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  const value = parseInt(word, 10);
  return value > 4294967295 ? null : value;
}
