// The database schema as an ordered list of migrations. Each runs once, in a transaction, and
// bumps PRAGMA user_version to its position in the list. Never edit a shipped migration: append.
/** The partitions migration's SQLite text (a no-op); found by identity, so its number is its place in the list. */
export const PARTITIONS_MIGRATION = "-- partitions by service month: PostgreSQL only";

export const migrations: readonly string[] = [
  // 1: reference data, registry, readings, decisions, audit log
  `
  CREATE TABLE service_locations (
    location_id TEXT PRIMARY KEY,
    address TEXT NOT NULL,
    time_zone TEXT NOT NULL
  );
  CREATE TABLE clients (
    nd_number TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    location_id TEXT NOT NULL REFERENCES service_locations(location_id),
    date_of_death TEXT
  );
  CREATE TABLE client_absences (
    nd_number TEXT NOT NULL REFERENCES clients(nd_number) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    from_date TEXT NOT NULL,
    returned_date TEXT
  );
  CREATE TABLE providers (
    provider_number TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL
  );
  CREATE TABLE provider_live_in (
    provider_number TEXT NOT NULL REFERENCES providers(provider_number) ON DELETE CASCADE,
    client_nd_number TEXT NOT NULL,
    relation TEXT NOT NULL,
    PRIMARY KEY (provider_number, client_nd_number)
  );
  CREATE TABLE authorizations (
    authorization_id TEXT PRIMARY KEY,
    client_nd_number TEXT NOT NULL REFERENCES clients(nd_number),
    provider_number TEXT NOT NULL REFERENCES providers(provider_number),
    procedure_code TEXT NOT NULL,
    service_program TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    units_adl INTEGER,
    units_medication_assistance INTEGER,
    units_other INTEGER,
    units_meal_preparation INTEGER,
    units_laundry_shopping_housekeeping INTEGER,
    max_days INTEGER,
    live_in INTEGER NOT NULL,
    evv_required INTEGER NOT NULL,
    prior_approval_over_12_hours INTEGER NOT NULL,
    service_agreement_hours_per_day REAL,
    location_id TEXT
  );
  CREATE INDEX authorizations_by_pair ON authorizations(client_nd_number, provider_number);
  CREATE TABLE devices (
    device_id TEXT PRIMARY KEY,
    board TEXT NOT NULL,
    firmware_hash TEXT NOT NULL,
    key_version INTEGER NOT NULL,
    provisioned_at TEXT NOT NULL,
    retired_at TEXT
  );
  CREATE TABLE device_assignments (
    assignment_id INTEGER PRIMARY KEY,
    device_id TEXT NOT NULL REFERENCES devices(device_id),
    location_id TEXT NOT NULL,
    from_ms INTEGER NOT NULL,
    to_ms INTEGER
  );
  CREATE INDEX device_assignments_by_location ON device_assignments(location_id, from_ms);
  CREATE TABLE clock_observations (
    observation_id INTEGER PRIMARY KEY,
    device_id TEXT NOT NULL REFERENCES devices(device_id),
    observed_ms INTEGER NOT NULL,
    device_time INTEGER NOT NULL,
    source TEXT NOT NULL
  );
  CREATE INDEX clock_observations_by_device ON clock_observations(device_id, observed_ms);
  CREATE TABLE readings (
    reading_id TEXT PRIMARY KEY,
    reader_id TEXT NOT NULL,
    provider_number TEXT NOT NULL,
    client_nd_number TEXT NOT NULL,
    event TEXT NOT NULL,
    reader_time TEXT NOT NULL,
    reader_ms INTEGER NOT NULL,
    method TEXT NOT NULL,
    transport TEXT NOT NULL,
    typed_code TEXT,
    frame TEXT,
    rssi INTEGER,
    challenge_nonce TEXT,
    challenge_device_id TEXT,
    challenge_device_time INTEGER,
    challenge_status INTEGER,
    challenge_journal_seq INTEGER,
    challenge_mac TEXT,
    tasks TEXT,
    imported_at TEXT NOT NULL
  );
  CREATE INDEX readings_by_pair ON readings(provider_number, client_nd_number, reader_ms);
  CREATE TABLE verify_runs (
    run_id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    settings TEXT NOT NULL,
    visits INTEGER NOT NULL,
    audit_head TEXT NOT NULL
  );
  CREATE TABLE visits (
    visit_id TEXT PRIMARY KEY,
    run_id INTEGER NOT NULL,
    provider_number TEXT NOT NULL,
    client_nd_number TEXT NOT NULL,
    authorization_id TEXT,
    procedure_code TEXT,
    check_in_reading TEXT,
    check_out_reading TEXT,
    device_id TEXT,
    begin_ms INTEGER,
    end_ms INTEGER,
    time_zone TEXT,
    presence_in TEXT,
    presence_out TEXT,
    status TEXT NOT NULL,
    units INTEGER NOT NULL,
    reasons TEXT NOT NULL,
    tasks TEXT NOT NULL
  );
  CREATE INDEX visits_by_begin ON visits(begin_ms);
  CREATE TABLE visit_days (
    visit_id TEXT NOT NULL,
    local_date TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    paid_minutes INTEGER NOT NULL,
    units INTEGER NOT NULL,
    PRIMARY KEY (visit_id, local_date)
  ) WITHOUT ROWID;
  CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
  );
  CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
  CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
  `,
  // 2: visits keyed by an integer sequence (appends, not random UUID inserts), days keyed by it;
  // the verifier drops and rebuilds the visit_id and begin indexes around its bulk load.
  `
  DROP TABLE visit_days;
  DROP TABLE visits;
  CREATE TABLE visits (
    visit_seq INTEGER PRIMARY KEY,
    visit_id TEXT NOT NULL,
    run_id INTEGER NOT NULL,
    provider_number TEXT NOT NULL,
    client_nd_number TEXT NOT NULL,
    authorization_id TEXT,
    procedure_code TEXT,
    check_in_reading TEXT,
    check_out_reading TEXT,
    device_id TEXT,
    begin_ms INTEGER,
    end_ms INTEGER,
    time_zone TEXT,
    presence_in TEXT,
    presence_out TEXT,
    status TEXT NOT NULL,
    units INTEGER NOT NULL,
    reasons TEXT NOT NULL,
    tasks TEXT NOT NULL
  );
  CREATE UNIQUE INDEX visits_by_id ON visits(visit_id);
  CREATE INDEX visits_by_begin ON visits(begin_ms);
  CREATE TABLE visit_days (
    visit_seq INTEGER NOT NULL,
    local_date TEXT NOT NULL,
    minutes INTEGER NOT NULL,
    paid_minutes INTEGER NOT NULL,
    units INTEGER NOT NULL,
    PRIMARY KEY (visit_seq, local_date)
  ) WITHOUT ROWID;
  `,
  // 3: a visit's days live in its own row (one row written per visit, not one per day);
  // visit_days stays as a read-only view over that column for the claim queries.
  `
  ALTER TABLE visits ADD COLUMN days TEXT NOT NULL DEFAULT '[]';
  UPDATE visits SET days = coalesce((
    SELECT json_group_array(json(day)) FROM (
      SELECT json_array(local_date, minutes, paid_minutes, units) AS day FROM visit_days d WHERE d.visit_seq = visits.visit_seq ORDER BY local_date
    )), '[]');
  DROP TABLE visit_days;
  CREATE VIEW visit_days AS
    SELECT v.visit_seq AS visit_seq,
           json_extract(d.value, '$[0]') AS local_date,
           json_extract(d.value, '$[1]') AS minutes,
           json_extract(d.value, '$[2]') AS paid_minutes,
           json_extract(d.value, '$[3]') AS units
    FROM visits v, json_each(v.days) d;
  `,
  // caregivers (issue 10): caregivers (agency employees; an individual QSP is its own), the
  // caregiver on readings and visits, manual visit entries, authorization units per week or
  // month and the live-in WPC prior approval, kept client stays, and what was sent to an
  // aggregator with its ever-rising sequence numbers.
  `
  CREATE TABLE caregivers (
    provider_number TEXT NOT NULL REFERENCES providers(provider_number) ON DELETE CASCADE,
    caregiver_id TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    staff_id TEXT,
    email TEXT,
    PRIMARY KEY (provider_number, caregiver_id)
  );
  ALTER TABLE readings ADD COLUMN caregiver_id TEXT;
  ALTER TABLE visits ADD COLUMN caregiver_id TEXT;
  ALTER TABLE visits ADD COLUMN manual_entry INTEGER;
  ALTER TABLE authorizations ADD COLUMN units_per TEXT NOT NULL DEFAULT 'period';
  ALTER TABLE authorizations ADD COLUMN prior_approval_live_in_wpc INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE manual_visits (
    entry_id INTEGER PRIMARY KEY,
    visit_id TEXT NOT NULL,
    corrects_visit TEXT,
    provider_number TEXT NOT NULL,
    client_nd_number TEXT NOT NULL,
    caregiver_id TEXT NOT NULL,
    begin_ms INTEGER,
    end_ms INTEGER,
    tasks TEXT NOT NULL,
    reason TEXT NOT NULL,
    memo TEXT,
    entered_by TEXT NOT NULL,
    entered_at TEXT NOT NULL
  );
  CREATE INDEX manual_visits_by_pair ON manual_visits(provider_number, client_nd_number);
  CREATE TABLE aggregator_sequence (
    aggregator TEXT PRIMARY KEY,
    last_sequence INTEGER NOT NULL
  );
  CREATE TABLE aggregator_sent (
    aggregator TEXT NOT NULL,
    record_kind TEXT NOT NULL,
    record_key TEXT NOT NULL,
    sequence_id INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (aggregator, record_kind, record_key)
  );
  `,
  // hardening (issue 14): the database itself refuses an audit entry that does not link to the
  // chain head (a second writer that read a stale head), and each entry carries a seal: an HMAC
  // of its chain hash under a key derived from the keystore (host/storage/auditLog.ts), which
  // nobody without the keystore can recompute after editing a body.
  `
  ALTER TABLE audit_log ADD COLUMN seal TEXT;
  CREATE TRIGGER audit_log_links AFTER INSERT ON audit_log
    WHEN NEW.seq IS NOT (SELECT max(seq) FROM audit_log)
      OR NEW.prev_hash IS NOT coalesce((SELECT hash FROM audit_log WHERE seq < NEW.seq ORDER BY seq DESC LIMIT 1), '0000000000000000000000000000000000000000000000000000000000000000')
    BEGIN SELECT RAISE(ABORT, 'audit_log entry does not link to the chain head'); END;
  `,
  // intake (issue 11): enrolled readers and their keys, one-time enrollment codes, caregiver
  // passwords and sign-in sessions for shared computers, typed-throttle resets; each reading's
  // receipt time and receipt sequence (the order HHS received it: files at their import time),
  // the enrolled reader that signed it, its counter and signature, and whether the counter went back.
  `
  CREATE TABLE enrollment_codes (
    code_hash TEXT PRIMARY KEY,
    provider_number TEXT NOT NULL,
    caregiver_id TEXT NOT NULL,
    purpose TEXT NOT NULL,
    issued_by TEXT NOT NULL,
    issued_ms INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL,
    used_ms INTEGER,
    used_for TEXT
  );
  CREATE TABLE readers (
    reader_id TEXT PRIMARY KEY,
    provider_number TEXT NOT NULL,
    caregiver_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    public_key TEXT NOT NULL,
    enrolled_ms INTEGER NOT NULL,
    last_counter INTEGER NOT NULL DEFAULT 0,
    revoked_ms INTEGER,
    revoked_by TEXT,
    revoke_reason TEXT
  );
  CREATE INDEX readers_by_caregiver ON readers(provider_number, caregiver_id);
  CREATE TABLE caregiver_passwords (
    provider_number TEXT NOT NULL,
    caregiver_id TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    set_ms INTEGER NOT NULL,
    PRIMARY KEY (provider_number, caregiver_id)
  );
  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    provider_number TEXT NOT NULL,
    caregiver_id TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    expires_ms INTEGER NOT NULL,
    ended_ms INTEGER
  );
  CREATE TABLE typed_throttle_resets (
    reset_id INTEGER PRIMARY KEY,
    provider_number TEXT NOT NULL,
    client_nd_number TEXT NOT NULL,
    after_received_seq INTEGER NOT NULL,
    reset_ms INTEGER NOT NULL,
    reset_by TEXT NOT NULL,
    reason TEXT NOT NULL
  );
  ALTER TABLE readings ADD COLUMN received_ms INTEGER;
  ALTER TABLE readings ADD COLUMN received_seq INTEGER;
  ALTER TABLE readings ADD COLUMN signed_by TEXT;
  ALTER TABLE readings ADD COLUMN session_of TEXT;
  ALTER TABLE readings ADD COLUMN reader_counter INTEGER;
  ALTER TABLE readings ADD COLUMN signature TEXT;
  ALTER TABLE readings ADD COLUMN counter_back INTEGER NOT NULL DEFAULT 0;
  UPDATE readings SET received_ms = CAST(round((julianday(imported_at) - 2440587.5) * 86400000) AS INTEGER), received_seq = rowid;
  CREATE UNIQUE INDEX readings_by_receipt ON readings(received_seq);
  CREATE INDEX readings_by_pair_receipt ON readings(provider_number, client_nd_number, received_seq);
  `,
  // incremental verification (issue 15): what the last runs saw, so the next re-verifies only
  // what changed (host/verifier/README.md, "Incremental runs"). verify_inputs: one digest per
  // input of the verifier (a client, a provider, a provider–client pair's authorizations and
  // manual entries and throttle resets, a device, a reader) as the last run read it;
  // verify_pairs: every provider–client pair verified, its readings and the visit_seq range of
  // its visits (a pair's visits are written together); verify_runs: the run's mode, the highest
  // received_seq it saw, and the version of the verifier's rules.
  `
  CREATE TABLE verify_inputs (
    input_kind TEXT NOT NULL,
    input_key TEXT NOT NULL,
    digest TEXT NOT NULL,
    PRIMARY KEY (input_kind, input_key)
  );
  CREATE TABLE verify_pairs (
    provider_number TEXT NOT NULL,
    client_nd_number TEXT NOT NULL,
    readings INTEGER NOT NULL,
    first_visit_seq INTEGER,
    last_visit_seq INTEGER,
    PRIMARY KEY (provider_number, client_nd_number)
  );
  ALTER TABLE verify_runs ADD COLUMN mode TEXT NOT NULL DEFAULT 'full';
  ALTER TABLE verify_runs ADD COLUMN received_through INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE verify_runs ADD COLUMN rules_version TEXT NOT NULL DEFAULT '';
  `,
  // 8: windowed incremental runs (host/verifier/README.md, "Incremental runs"): per pair, the
  // visit_seq ranges its visits occupy (JSON [[first, last], ...]: a windowed run appends a range),
  // how far a proven reading's time ran ahead of its reader's clock (lead_ms), its caregivers in
  // order of first receipt (JSON), and its wrong typed codes; per authorization span and week,
  // the authorized-units accumulator at the week's end; per run, the highest visit_seq it gave.
  `
  ALTER TABLE verify_pairs ADD COLUMN visit_ranges TEXT;
  ALTER TABLE verify_pairs ADD COLUMN lead_ms INTEGER;
  ALTER TABLE verify_pairs ADD COLUMN caregivers TEXT;
  ALTER TABLE verify_pairs ADD COLUMN typed_failures INTEGER;
  ALTER TABLE verify_runs ADD COLUMN last_visit_seq INTEGER NOT NULL DEFAULT 0;
  CREATE TABLE verify_units (
    provider_number TEXT NOT NULL,
    client_nd_number TEXT NOT NULL,
    authorization_id TEXT NOT NULL,
    span TEXT NOT NULL,
    week TEXT NOT NULL,
    total INTEGER NOT NULL,
    by_category TEXT NOT NULL,
    days INTEGER NOT NULL,
    PRIMARY KEY (provider_number, client_nd_number, authorization_id, span, week)
  );
  `,
  // 9: partitions by service month (issue 15): PostgreSQL only, where readings and visits become
  // tables partitioned by month with their keys in unpartitioned key tables (its own text:
  // host/storage/postgres/monthPartitions.ts). SQLite keeps one table each: nothing to do.
  PARTITIONS_MIGRATION,
];
