// A stored reading as the verifier reads it back: one raw row (an array, the cheapest form
// better-sqlite3 returns), validated by the reading schema at import and not parsed again. The
// provider and client are not in the row: the verifier reads one provider–client pair at a time.
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
  caregiverId: string | null,
];

/** Where the caregiver ID sits in a ReadingRow. */
export const READING_ROW_CAREGIVER = 13;

/** The SELECT list in ReadingRow order. */
export const READING_ROW_COLUMNS =
  "reading_id, event, reader_ms, method, typed_code, frame, challenge_nonce, challenge_device_id, challenge_device_time, challenge_status, challenge_journal_seq, challenge_mac, tasks, caregiver_id";
