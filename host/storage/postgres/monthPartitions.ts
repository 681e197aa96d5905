// Partitions by service month on PostgreSQL (the partitions migration; host/storage/README.md,
// "Partitions by service month"). `readings` is partitioned by `reader_ms` and `visits` by
// `begin_ms`, RANGE, one partition per calendar month in UTC, named `<table>_YYYY_MM`. A
// partition is made before the first write into its month: the engine asks
// evv_month_partition(table, ms) for each month an INSERT's values reach that this connection
// has not seen yet (postgresDatabase.ts). It is made as a table of its own and then ATTACHed,
// which locks the parent only against other DDL, never against readers or writers.
//
// A partitioned table's unique keys must contain the partition key, so the keys that must hold
// across months live in small unpartitioned key tables kept by triggers in the same statement:
// `reading_keys` (reading_id PRIMARY KEY, received_seq UNIQUE, reader_ms) and `visit_keys`
// (visit_seq PRIMARY KEY, visit_id UNIQUE). A reading whose ID is stored already is skipped by
// its BEFORE INSERT trigger, as INSERT OR IGNORE skips it on SQLite (the one way the host inserts
// readings, readingStore.ts); a reading's ID never changes (UPDATE of it refused).

import { VISIT_DAYS_VIEW } from "./visitDaysView.js";

/** The tables partitioned by month and the column each is partitioned on. */
export const MONTH_PARTITIONED: Readonly<Record<string, string>> = {
  readings: "reader_ms",
  visits: "begin_ms",
};

/** The advisory lock evv_month_partition holds while it makes a partition ("evw"). */
export const PARTITION_LOCK = 0x657677;

/** The first millisecond (UTC) of the month `ms` falls in. */
export function monthStartMs(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/** The migration's PostgreSQL text: converts an existing database's readings and visits (rows kept) into partitioned tables. */
export const PARTITIONS_MIGRATION_POSTGRES = `
  CREATE FUNCTION evv_month_partition(parent TEXT, at_ms BIGINT) RETURNS TEXT LANGUAGE plpgsql AS $$
  DECLARE
    month_start TIMESTAMP := date_trunc('month', TIMESTAMP '1970-01-01' + at_ms * INTERVAL '1 millisecond');
    from_ms BIGINT := (extract(epoch FROM month_start) * 1000)::BIGINT;
    to_ms BIGINT := (extract(epoch FROM month_start + INTERVAL '1 month') * 1000)::BIGINT;
    name TEXT := parent || '_' || to_char(month_start, 'YYYY_MM');
  BEGIN
    -- One maker of partitions at a time (writers hold the writer lock already; this covers a
    -- write outside a transaction): the second finds the first's table once it has committed.
    PERFORM pg_advisory_xact_lock(${PARTITION_LOCK});
    IF to_regclass(name) IS NULL THEN
      EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS)', name, parent);
      EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%s) TO (%s)', parent, name, from_ms, to_ms);
    END IF;
    RETURN name;
  END $$;

  -- readings: the rows move into a partitioned table of the same columns.
  ALTER TABLE readings RENAME TO readings_before_partitions;
  CREATE TABLE readings (LIKE readings_before_partitions INCLUDING DEFAULTS) PARTITION BY RANGE (reader_ms);
  SELECT evv_month_partition('readings', min(reader_ms)) FROM readings_before_partitions GROUP BY date_trunc('month', TIMESTAMP '1970-01-01' + reader_ms * INTERVAL '1 millisecond');
  CREATE TABLE reading_keys (
    reading_id TEXT PRIMARY KEY,
    received_seq BIGINT UNIQUE,
    reader_ms BIGINT NOT NULL
  );
  INSERT INTO reading_keys (reading_id, received_seq, reader_ms) SELECT reading_id, received_seq, reader_ms FROM readings_before_partitions;
  INSERT INTO readings SELECT * FROM readings_before_partitions;
  DROP TABLE readings_before_partitions;
  CREATE INDEX readings_by_id ON readings(reading_id);
  CREATE INDEX readings_by_receipt ON readings(received_seq);
  CREATE INDEX readings_by_pair ON readings(provider_number, client_nd_number, reader_ms);
  CREATE INDEX readings_by_pair_receipt ON readings(provider_number, client_nd_number, received_seq);

  -- A reading's keys, in the statement that stores it; one stored already is skipped.
  CREATE FUNCTION readings_key_insert() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO reading_keys (reading_id, received_seq, reader_ms) VALUES (NEW.reading_id, NEW.received_seq, NEW.reader_ms) ON CONFLICT (reading_id) DO NOTHING;
    IF NOT FOUND THEN
      RETURN NULL;
    END IF;
    RETURN NEW;
  END $$;
  CREATE FUNCTION readings_key_update() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF NEW.reading_id IS DISTINCT FROM OLD.reading_id THEN
      RAISE EXCEPTION 'a reading''s ID does not change (%)', OLD.reading_id USING ERRCODE = '23505';
    END IF;
    UPDATE reading_keys SET received_seq = NEW.received_seq, reader_ms = NEW.reader_ms WHERE reading_id = OLD.reading_id;
    RETURN NEW;
  END $$;
  CREATE FUNCTION readings_key_delete() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    DELETE FROM reading_keys WHERE reading_id = OLD.reading_id;
    RETURN OLD;
  END $$;
  -- (An UPDATE that moves a row to another month runs as a DELETE and an INSERT: the key goes and comes back.)
  CREATE TRIGGER readings_key_insert BEFORE INSERT ON readings FOR EACH ROW EXECUTE FUNCTION readings_key_insert();
  CREATE TRIGGER readings_key_update BEFORE UPDATE ON readings FOR EACH ROW EXECUTE FUNCTION readings_key_update();
  CREATE TRIGGER readings_key_delete BEFORE DELETE ON readings FOR EACH ROW EXECUTE FUNCTION readings_key_delete();

  -- visits: the same, partitioned by begin_ms; a visit without a begin goes to visits_undated.
  DROP VIEW visit_days;
  ALTER TABLE visits RENAME TO visits_before_partitions;
  CREATE TABLE visits (LIKE visits_before_partitions INCLUDING DEFAULTS) PARTITION BY RANGE (begin_ms);
  CREATE TABLE visits_undated PARTITION OF visits (CONSTRAINT visits_undated_have_no_begin CHECK (begin_ms IS NULL)) DEFAULT;
  SELECT evv_month_partition('visits', min(begin_ms)) FROM visits_before_partitions WHERE begin_ms IS NOT NULL GROUP BY date_trunc('month', TIMESTAMP '1970-01-01' + begin_ms * INTERVAL '1 millisecond');
  CREATE TABLE visit_keys (
    visit_seq BIGINT PRIMARY KEY,
    visit_id TEXT NOT NULL UNIQUE
  );
  INSERT INTO visit_keys (visit_seq, visit_id) SELECT visit_seq, visit_id FROM visits_before_partitions;
  INSERT INTO visits SELECT * FROM visits_before_partitions;
  DROP TABLE visits_before_partitions;
  CREATE INDEX visits_by_seq ON visits(visit_seq);
  CREATE INDEX visits_by_id ON visits(visit_id);
  CREATE INDEX visits_by_begin ON visits(begin_ms);
  ${VISIT_DAYS_VIEW}

  -- Visit keys per statement (a verification run writes many rows to an INSERT and deletes whole runs).
  CREATE FUNCTION visits_keys_insert() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO visit_keys (visit_seq, visit_id) SELECT visit_seq, visit_id FROM added;
    RETURN NULL;
  END $$;
  CREATE FUNCTION visits_keys_delete() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    DELETE FROM visit_keys WHERE visit_seq IN (SELECT visit_seq FROM removed);
    RETURN NULL;
  END $$;
  CREATE FUNCTION visits_keys_update() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    DELETE FROM visit_keys WHERE visit_seq IN (SELECT visit_seq FROM removed);
    INSERT INTO visit_keys (visit_seq, visit_id) SELECT visit_seq, visit_id FROM added;
    RETURN NULL;
  END $$;
  CREATE TRIGGER visits_keys_insert AFTER INSERT ON visits REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION visits_keys_insert();
  CREATE TRIGGER visits_keys_delete AFTER DELETE ON visits REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION visits_keys_delete();
  CREATE TRIGGER visits_keys_update AFTER UPDATE ON visits REFERENCING OLD TABLE AS removed NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION visits_keys_update();
`;
