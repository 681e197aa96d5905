// A stored reading as the verifier reads it back: one raw row (an array, the cheapest form
// better-sqlite3 returns), validated by the reading schema at import and not parsed again.
export type ReadingRow = [
  readingId: string,
  providerNumber: string,
  clientNdNumber: string,
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
];

/** The SELECT list in ReadingRow order. */
export const READING_ROW_COLUMNS =
  "reading_id, provider_number, client_nd_number, event, reader_ms, method, typed_code, frame, challenge_nonce, challenge_device_id, challenge_device_time, challenge_status, challenge_journal_seq, challenge_mac, tasks";
