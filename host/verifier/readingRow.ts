// A stored reading as the verifier reads it back (validated by the reading schema at import;
// not parsed again on the hot path).
export interface ReadingRow {
  reading_id: string;
  provider_number: string;
  client_nd_number: string;
  event: "check-in" | "check-out";
  reader_ms: number;
  method: "challenge" | "nfc" | "advert" | "typed";
  typed_code: string | null;
  frame: string | null;
  challenge_nonce: string | null;
  challenge_device_id: string | null;
  challenge_device_time: number | null;
  challenge_status: number | null;
  challenge_journal_seq: number | null;
  challenge_mac: string | null;
  tasks: string | null;
}

export const READING_ROW_COLUMNS =
  "reading_id, provider_number, client_nd_number, event, reader_ms, method, typed_code, frame, challenge_nonce, challenge_device_id, challenge_device_time, challenge_status, challenge_journal_seq, challenge_mac, tasks";
