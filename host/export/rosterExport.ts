// The roster HHS hands to readers (`evv export roster`): provider and client numbers with their
// names, the authorized pairs and, optionally, the number formats; no key, no visit.
import type { EvvDatabase } from "../storage/database.js";
import { roster, type Roster } from "../reader/roster.js";

export function rosterFromDatabase(db: EvvDatabase, formats: Roster["formats"], now: Date): Roster {
  return roster.parse({
    exportedAt: now.toISOString(),
    providers: db.prepare("SELECT provider_number AS providerNumber, name FROM providers ORDER BY provider_number").all(),
    clients: db.prepare("SELECT nd_number AS ndNumber, name FROM clients ORDER BY nd_number").all(),
    authorizedPairs: db
      .prepare("SELECT DISTINCT provider_number AS providerNumber, client_nd_number AS clientNdNumber FROM authorizations ORDER BY provider_number, client_nd_number")
      .all(),
    formats,
  });
}
