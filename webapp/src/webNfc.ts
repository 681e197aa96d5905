// Web NFC (Chrome on Android): "Tap the fob" scans with NDEFReader and hands the records to
// fobTap.ts, the same parsing as the URL the phone's own tag reading opens. Feature-detected:
// the button is hidden where NDEFReader does not exist (desktop browsers, iPhone, Firefox).
import { tapFromRecords, type FobTap, type NdefRecordLike } from "./fobTap.js";

/** The part of Web NFC this app uses (not in TypeScript's DOM library yet). */
interface NdefReadingEvent extends Event {
  message: { records: readonly NdefRecordLike[] };
}
interface NdefReaderLike extends EventTarget {
  scan(options?: { signal?: AbortSignal }): Promise<void>;
  onreading: ((event: NdefReadingEvent) => void) | null;
  onreadingerror: ((event: Event) => void) | null;
}
type NdefReaderConstructor = new () => NdefReaderLike;

/** How long one "Tap the fob" waits for a tag. */
export const WEB_NFC_WAIT_MS = 60_000;

export function webNfcAvailable(): boolean {
  return "NDEFReader" in window;
}

/** Scans until a tag is read (its tap, or what was wrong) or WEB_NFC_WAIT_MS pass. */
export async function scanFobTap(): Promise<FobTap> {
  const Reader = (window as unknown as { NDEFReader: NdefReaderConstructor }).NDEFReader;
  const reader = new Reader();
  const stop = new AbortController();
  try {
    await reader.scan({ signal: stop.signal });
    return await new Promise<FobTap>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("No fob was read within a minute. Press the fob's button, then hold the phone's back to it.")), WEB_NFC_WAIT_MS);
      reader.onreadingerror = () => undefined; // a tag read half-way: keep waiting for a clean read
      reader.onreading = (event) => {
        clearTimeout(timer);
        const read = tapFromRecords(event.message.records, Date.now());
        if ("problem" in read) reject(new Error(read.problem)); // another tag: say so
        else resolve(read.tap);
      };
    });
  } finally {
    stop.abort();
  }
}
