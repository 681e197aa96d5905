// A stored reading as the verifier reads it back: one raw row (an array, the cheapest form
// better-sqlite3 returns), validated by the reading schema at import and not parsed again. The
// provider and client are not in the row: the verifier reads one provider–client pair at a time,
// in the order HHS received its readings (`received_seq`).
export type ReadingRow = [
  readingId: string,
  event: "check-in" | "check-out",
  readerMs: number,
  method: "challenge" | "nfc" | "advert" | "typed",
  typedCode: string | null,
  frame: string | null,
  challengeNonce: string | null,
  challengeDeviceId: string | null,
  challengeDeviceTime: number | null,
  challengeStatus: number | null,
  challengeJournalSeq: number | null,
  challengeMac: string | null,
  tasks: string | null,
  /** When HHS received the reading (the service's clock, or the import time of its file). */
  receivedMs: number,
  /** Its place in the order of receipt. */
  receivedSeq: number,
  /** The enrolled reader whose key signed it at intake, or null (a file, or a sign-in session). */
  signedBy: string | null,
  /** 1 when that reader's counter did not go up with this reading. */
  counterBack: number,
  /** The individual caregiver the reading names (issue 10), or null. */
  caregiverId: string | null,
];

/** Where the caregiver ID sits in a ReadingRow. */
export const READING_ROW_CAREGIVER = 17;

/** The SELECT list in ReadingRow order. */
export const READING_ROW_COLUMNS =
  "reading_id, event, reader_ms, method, typed_code, frame, challenge_nonce, challenge_device_id, challenge_device_time, challenge_status, challenge_journal_seq, challenge_mac, tasks, received_ms, received_seq, signed_by, counter_back, caregiver_id";
