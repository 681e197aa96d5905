// What a verification run re-verifies: everything (a full run), or only the provider–client
// components that new readings or changed inputs can affect (an incremental run). Every rule
// looks within one component (pairComponents.ts), so re-verifying a whole component from all of
// its readings gives exactly what a full run gives for it, and the stored visits of the other
// components are what a full run would write again.
import type { EvvDatabase } from "../storage/database.js";
import { canonicalJson } from "../storage/canonicalJson.js";
import type { VerifierSettings } from "./settings.js";
import { pairComponents, type ProviderClientPair } from "./pairComponents.js";
import { changedInputs, currentInputDigests, KEYSTORE_INPUT, keystoreFingerprint, splitInputId, storedInputDigests, type InputDigests } from "./inputDigests.js";
import type { MasterKeySource } from "./masterKeys.js";
import { VERIFIER_RULES_VERSION } from "./rulesVersion.js";

export interface StoredPair {
  readings: number;
  firstVisitSeq: number | null;
  lastVisitSeq: number | null;
}

export interface RunPlan {
  mode: "full" | "incremental";
  /** Why the run re-verifies everything (null for an incremental run). */
  fullBecause: string | null;
  /** The components to verify, in order. */
  components: ProviderClientPair[][];
  /** Readings of each pair verified ("provider|client"). */
  readingsOfPair: Map<string, number>;
  /** Readings in the components verified. */
  readings: number;
  /** The highest receipt sequence in the store: the next run re-verifies what was received after it. */
  receivedThrough: number;
  /** The last completed run's receivedThrough (0 when there is none). */
  receivedAfter: number;
  /** Readings received since the last run. */
  newReadings: number;
  /** Inputs other than readings added, changed or removed since the last run ("kind key"). */
  changedInputs: string[];
  /** Incremental: the stored pairs of the components verified, whose visits the run replaces. */
  replaced: Map<string, StoredPair>;
  /** Visits stored before the run (incremental; 0 for a full run). */
  visitsBefore: number;
  digestsBefore: InputDigests;
  digestsNow: InputDigests;
}

interface LastRun {
  run_id: number;
  settings: string;
  visits: number;
  received_through: number;
  rules_version: string;
}

const pairKey = (provider: string, client: string) => provider + "|" + client;

/**
 * Pairs in one order for every run (provider, then client, by code unit): a component's visits
 * are decided in the order of its pairs, and where two visits tie (the same begin) that order
 * decides which one a reason names, so a full and an incremental run must agree on it.
 */
function byPair(a: ProviderClientPair, b: ProviderClientPair): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

/** Readings per pair received after `afterSeq` (all of them for 0). */
function readingsPerPair(db: EvvDatabase, afterSeq: number): [string, string, number][] {
  if (afterSeq === 0) return db.prepare("SELECT provider_number, client_nd_number, count(*) FROM readings GROUP BY provider_number, client_nd_number").raw().all() as [string, string, number][];
  return db
    .prepare("SELECT provider_number, client_nd_number, count(*) FROM readings WHERE received_seq > ? GROUP BY provider_number, client_nd_number")
    .raw()
    .all(afterSeq) as [string, string, number][];
}

export function planRun(db: EvvDatabase, settings: VerifierSettings, keys: MasterKeySource & { versions(): number[] }, forceFull: boolean): RunPlan {
  const last = db
    .prepare("SELECT run_id, settings, visits, received_through, rules_version FROM verify_runs WHERE audit_head != '' ORDER BY run_id DESC LIMIT 1")
    .get() as LastRun | undefined;
  const receivedThrough = (db.prepare("SELECT coalesce(max(received_seq), 0) AS s FROM readings").get() as { s: number }).s;
  const digestsNow = currentInputDigests(db);
  digestsNow.set(KEYSTORE_INPUT, keystoreFingerprint(keys));
  const digestsBefore = storedInputDigests(db);
  const changed = changedInputs(digestsBefore, digestsNow);
  const manualPairs = db.prepare("SELECT DISTINCT provider_number, client_nd_number FROM manual_visits").raw().all() as [string, string][];

  let fullBecause: string | null = null;
  if (forceFull) fullBecause = "--full was given";
  else if (!last) fullBecause = "the first run on this database";
  else if (last.rules_version === "") fullBecause = `the last run (${last.run_id}) predates incremental runs`;
  else if (last.rules_version !== VERIFIER_RULES_VERSION) fullBecause = `the verifier's rules changed since run ${last.run_id} (${last.rules_version} → ${VERIFIER_RULES_VERSION})`;
  else if (last.settings !== canonicalJson(settings)) fullBecause = `the settings differ from run ${last.run_id}'s`;
  else if (digestsBefore.get(KEYSTORE_INPUT) !== digestsNow.get(KEYSTORE_INPUT)) fullBecause = `the keystore's master keys differ from run ${last.run_id}'s`;
  else if (changed.some((id) => id.startsWith("device ") && !digestsNow.has(id))) fullBecause = "a device's record was removed";

  const base = { receivedThrough, receivedAfter: last?.received_through ?? 0, changedInputs: changed, digestsBefore, digestsNow };
  if (fullBecause !== null) {
    const counts = readingsPerPair(db, 0);
    const readingsOfPair = new Map(counts.map((c) => [pairKey(c[0], c[1]), c[2]]));
    const pairs: ProviderClientPair[] = counts.map((c) => [c[0], c[1]] as const);
    // Pairs with manual visit entries (host/verifier/manualVisits.ts) but no readings are verified too.
    for (const m of manualPairs) if (!readingsOfPair.has(pairKey(m[0], m[1]))) pairs.push([m[0], m[1]]), readingsOfPair.set(pairKey(m[0], m[1]), 0);
    let readings = 0;
    for (const c of counts) readings += c[2];
    return { ...base, mode: "full", fullBecause, components: pairComponents(pairs.sort(byPair)), readingsOfPair, readings, newReadings: last ? readingsAfter(db, last.received_through) : readings, replaced: new Map(), visitsBefore: 0 };
  }

  // Incremental: every pair known (stored, with new readings, with manual entries), and the ones touched.
  const stored = new Map<string, StoredPair & { pair: ProviderClientPair }>();
  for (const [p, c, readings, first, last] of db.prepare("SELECT provider_number, client_nd_number, readings, first_visit_seq, last_visit_seq FROM verify_pairs").raw().iterate() as IterableIterator<
    [string, string, number, number | null, number | null]
  >)
    stored.set(pairKey(p, c), { pair: [p, c], readings, firstVisitSeq: first, lastVisitSeq: last });
  const readingsOfPair = new Map<string, number>();
  const all = new Map<string, ProviderClientPair>();
  for (const [key, s] of stored) all.set(key, s.pair), readingsOfPair.set(key, s.readings);
  const touched = new Set<string>();
  let newReadings = 0;
  for (const [p, c, n] of readingsPerPair(db, last!.received_through)) {
    const key = pairKey(p, c);
    if (!all.has(key)) all.set(key, [p, c]);
    readingsOfPair.set(key, (readingsOfPair.get(key) ?? 0) + n);
    touched.add(key);
    newReadings += n;
  }
  for (const [p, c] of manualPairs) {
    const key = pairKey(p, c);
    if (!all.has(key)) all.set(key, [p, c]), readingsOfPair.set(key, 0);
  }
  for (const key of pairsOfChangedInputs(db, changed, [...all.values()])) touched.add(key);

  const components = pairComponents([...all.values()].sort(byPair)).filter((component) => component.some(([p, c]) => touched.has(pairKey(p, c))));
  const replaced = new Map<string, StoredPair>();
  let readings = 0;
  for (const component of components)
    for (const [p, c] of component) {
      const key = pairKey(p, c);
      readings += readingsOfPair.get(key) ?? 0;
      const s = stored.get(key);
      if (s) replaced.set(key, s);
    }
  return { ...base, mode: "incremental", fullBecause: null, components, readingsOfPair, readings, newReadings, replaced, visitsBefore: last!.visits };
}

function readingsAfter(db: EvvDatabase, seq: number): number {
  return (db.prepare("SELECT count(*) AS n FROM readings WHERE received_seq > ?").get(seq) as { n: number }).n;
}

/** Up to this many ids in one `IN (...)` list. */
const IN_LIST = 500;

/**
 * The pairs whose verification reads a changed input: a client's or a provider's pairs; a pair
 * itself; for a device, the pairs of the clients at every location it was ever assigned to, of
 * the authorizations naming such a location, and of every challenge answer naming the device;
 * for a reader, the pairs of the readings it signed. The last two read the readings table
 * through (no index serves them): they run only when a device or a reader changed.
 */
function pairsOfChangedInputs(db: EvvDatabase, changed: readonly string[], pairs: readonly ProviderClientPair[]): Set<string> {
  const out = new Set<string>();
  const byClient = new Map<string, string[]>();
  const byProvider = new Map<string, string[]>();
  for (const [p, c] of pairs) {
    const key = pairKey(p, c);
    push(byClient, c, key);
    push(byProvider, p, key);
  }
  const devices: string[] = [];
  const readers: string[] = [];
  for (const id of changed) {
    const { kind, key } = splitInputId(id);
    if (kind === "client") for (const k of byClient.get(key) ?? []) out.add(k);
    else if (kind === "provider") for (const k of byProvider.get(key) ?? []) out.add(k);
    else if (kind === "pair") out.add(key);
    else if (kind === "device") devices.push(key);
    else if (kind === "reader") readers.push(key);
    // "keystore": a changed keystore makes the run full (planRun).
  }
  const addRows = (rows: [string, string][]) => {
    for (const [p, c] of rows) out.add(pairKey(p, c));
  };
  const clientsOf = (clients: [string][]) => {
    for (const [c] of clients) for (const k of byClient.get(c) ?? []) out.add(k);
  };
  for (let i = 0; i < devices.length; i += IN_LIST) {
    const ids = devices.slice(i, i + IN_LIST);
    const list = ids.map(() => "?").join(", ");
    const locations = `SELECT location_id FROM device_assignments WHERE device_id IN (${list})`;
    clientsOf(db.prepare(`SELECT nd_number FROM clients WHERE location_id IN (${locations})`).raw().all(...ids) as [string][]);
    addRows(db.prepare(`SELECT DISTINCT provider_number, client_nd_number FROM authorizations WHERE location_id IN (${locations})`).raw().all(...ids) as [string, string][]);
    addRows(db.prepare(`SELECT DISTINCT provider_number, client_nd_number FROM readings WHERE challenge_device_id IN (${list})`).raw().all(...ids) as [string, string][]);
  }
  for (let i = 0; i < readers.length; i += IN_LIST) {
    const ids = readers.slice(i, i + IN_LIST);
    addRows(db.prepare(`SELECT DISTINCT provider_number, client_nd_number FROM readings WHERE signed_by IN (${ids.map(() => "?").join(", ")})`).raw().all(...ids) as [string, string][]);
  }
  return out;
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
