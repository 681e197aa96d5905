// Which service locations the database knows, and whose they are: `evv device assign` hangs a
// fob only where a client lives, so a typo in a location is caught when it is entered.
import type { EvvDatabase } from "./database.js";

export interface LocationClient {
  ndNumber: string;
  name: string;
}

export function clientsAtLocation(db: EvvDatabase, locationId: string): LocationClient[] {
  return db.prepare("SELECT nd_number AS ndNumber, name FROM clients WHERE location_id = ? ORDER BY nd_number").all(locationId) as LocationClient[];
}

export function locationsWithClients(db: EvvDatabase): string[] {
  return (db.prepare("SELECT DISTINCT location_id AS id FROM clients ORDER BY location_id").all() as { id: string }[]).map((r) => r.id);
}

/** Null when a client has the location; otherwise the sentence that says it does not. */
export function unknownLocationProblem(db: EvvDatabase, locationId: string): string | null {
  if (clientsAtLocation(db, locationId).length > 0) return null;
  const known = locationsWithClients(db);
  const shown = known.length === 0 ? "no clients are imported yet (evv import clients <file>)" : `known locations: ${known.slice(0, 10).join(", ")}${known.length > 10 ? `, and ${known.length - 10} more` : ""}`;
  return `--location ${locationId}: no client has the service location "${locationId}"; ${shown}. Nothing was assigned.`;
}
