// The visit_days view on PostgreSQL (a visit's days are a JSON array in its row, migration 3):
// made by migration 3 and again by the partitions migration over the partitioned visits.
export const VISIT_DAYS_VIEW = `
  CREATE VIEW visit_days AS
    SELECT v.visit_seq AS visit_seq,
           d.value->>0 AS local_date,
           (d.value->>1)::numeric AS minutes,
           (d.value->>2)::numeric AS paid_minutes,
           (d.value->>3)::numeric AS units
    FROM visits v, jsonb_array_elements(v.days::jsonb) d;
`;
