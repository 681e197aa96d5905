// What a verification run re-verifies: everything (a full run), or only the provider–client
// components that new readings or changed inputs can affect (an incremental run). Every rule
// looks within one component (pairComponents.ts), so re-verifying a whole component from all of
// its readings gives exactly what a full run gives for it, and the stored visits of the other
// components are what a full run would write again. A component that only new readings touch is
// re-verified from a cut on instead (a window, sliceVerifier.ts; README, "Windows").
import type { EvvDatabase } from "../storage/database.js";
import { canonicalJson } from "../storage/canonicalJson.js";
import type { VerifierSettings } from "./settings.js";
import { pairComponents, type ProviderClientPair } from "./pairComponents.js";
import { changedInputs, currentInputDigests, KEYSTORE_INPUT, keystoreFingerprint, splitInputId, storedInputDigests, type InputDigests } from "./inputDigests.js";
import type { MasterKeySource } from "./masterKeys.js";
import { VERIFIER_RULES_VERSION } from "./rulesVersion.js";

export interface StoredPair {
  readings: number;
  /** The visit_seq ranges holding the pair's visits ([first, last], some maybe emptied since). */
  ranges: [number, number][];
  /** How far a proven reading's time ran ahead of its reader's clock, at most (null: not recorded, a run before windows). */
  leadMs: number | null;
  /** The caregiver IDs its readings name, in the order of their first receipt (null: not recorded). */
  caregivers: (string | null)[] | null;
  /** Wrong typed codes on record (null: not recorded). */
  typedFailures: number | null;
}

/**
 * How a component is re-verified when only new readings touch it: from a cut on (a local Monday
 * midnight at or before the earliest time a new reading proves, found by the slice verifier),
 * the stored visits before it kept (README, "Incremental runs").
 */
export interface ComponentWindow {
  /** Readings received after this receipt sequence are the new ones. */
  receivedAfter: number;
  /** The component's one time zone. */
  zone: string;
  /** Per pair of the component (same order): what the last runs recorded. */
  pairs: { leadMs: number; caregivers: (string | null)[] }[];
}

/** A component to verify: whole (window null) or from a cut on. */
export interface PlannedComponent {
  pairs: ProviderClientPair[];
  window: ComponentWindow | null;
}

export interface RunPlan {
  mode: "full" | "incremental";
  /** Why the run re-verifies everything (null for an incremental run). */
  fullBecause: string | null;
  /** The components to verify, in order. */
  components: PlannedComponent[];
  /** Readings of each pair verified ("provider|client"): all of its readings. */
  readingsOfPair: Map<string, number>;
  /** Readings to read per pair, about (slicing weight: a windowed pair's new readings). */
  weightOfPair: Map<string, number>;
  /** Readings in the components verified (a windowed component's new readings only: the summary counts what was read). */
  readings: number;
  /** The highest receipt sequence in the store: the next run re-verifies what was received after it. */
  receivedThrough: number;
  /** The last completed run's receivedThrough (0 when there is none). */
  receivedAfter: number;
  /** Readings received since the last run. */
  newReadings: number;
  /** Inputs other than readings added, changed or removed since the last run ("kind key"). */
  changedInputs: string[];
  /** Incremental: the stored pairs of the components verified whole, whose visits the run replaces. */
  replaced: Map<string, StoredPair>;
  /** Incremental: the stored pairs of the components verified from a cut on. */
  windowed: Map<string, StoredPair>;
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
    const components = pairComponents(pairs.sort(byPair)).map((c) => ({ pairs: c, window: null }));
    return { ...base, mode: "full", fullBecause, components, readingsOfPair, weightOfPair: readingsOfPair, readings, newReadings: last ? readingsAfter(db, last.received_through) : readings, replaced: new Map(), windowed: new Map(), visitsBefore: 0 };
  }

  // Incremental: every pair known (stored, with new readings, with manual entries), and the ones touched.
  const stored = new Map<string, StoredPair & { pair: ProviderClientPair }>();
  for (const [p, c, readings, first, lastSeq, ranges, lead, caregivers, failures] of db
    .prepare("SELECT provider_number, client_nd_number, readings, first_visit_seq, last_visit_seq, visit_ranges, lead_ms, caregivers, typed_failures FROM verify_pairs")
    .raw()
    .iterate() as IterableIterator<[string, string, number, number | null, number | null, string | null, number | null, string | null, number | null]>)
    stored.set(pairKey(p, c), {
      pair: [p, c],
      readings,
      ranges: ranges !== null ? (JSON.parse(ranges) as [number, number][]) : first !== null && lastSeq !== null ? [[first, lastSeq]] : [],
      leadMs: lead,
      caregivers: caregivers === null ? null : (JSON.parse(caregivers) as (string | null)[]),
      typedFailures: failures,
    });
  const readingsOfPair = new Map<string, number>();
  const newOfPair = new Map<string, number>();
  const all = new Map<string, ProviderClientPair>();
  for (const [key, s] of stored) all.set(key, s.pair), readingsOfPair.set(key, s.readings);
  const touched = new Set<string>();
  let newReadings = 0;
  for (const [p, c, n] of readingsPerPair(db, last!.received_through)) {
    const key = pairKey(p, c);
    if (!all.has(key)) all.set(key, [p, c]);
    readingsOfPair.set(key, (readingsOfPair.get(key) ?? 0) + n);
    newOfPair.set(key, n);
    touched.add(key);
    newReadings += n;
  }
  const manual = new Set<string>();
  for (const [p, c] of manualPairs) {
    const key = pairKey(p, c);
    manual.add(key);
    if (!all.has(key)) all.set(key, [p, c]), readingsOfPair.set(key, 0);
  }
  const changedPairs = pairsOfChangedInputs(db, changed, [...all.values()]);
  for (const key of changedPairs) touched.add(key);
  const zoneOf = new Map(db.prepare("SELECT c.nd_number, l.time_zone FROM clients c JOIN service_locations l USING (location_id)").raw().all() as [string, string][]);

  const components: PlannedComponent[] = [];
  const replaced = new Map<string, StoredPair>();
  const windowed = new Map<string, StoredPair>();
  const weightOfPair = new Map<string, number>();
  let readings = 0;
  for (const pairs of pairComponents([...all.values()].sort(byPair))) {
    if (!pairs.some(([p, c]) => touched.has(pairKey(p, c)))) continue;
    const window = windowOf(pairs, last!.received_through, stored, changedPairs, manual, zoneOf);
    components.push({ pairs, window });
    for (const [p, c] of pairs) {
      const key = pairKey(p, c);
      const weight = window ? (newOfPair.get(key) ?? 0) : (readingsOfPair.get(key) ?? 0);
      weightOfPair.set(key, weight);
      readings += weight;
      const s = stored.get(key);
      if (s) (window ? windowed : replaced).set(key, s);
    }
  }
  return { ...base, mode: "incremental", fullBecause: null, components, readingsOfPair, weightOfPair, readings, newReadings, replaced, windowed, visitsBefore: last!.visits };
}

/**
 * A component re-verified from a cut on, or null to take it whole: only new readings may touch
 * it (no changed input of its pairs), every pair stored with what a window needs, no manual
 * entry or correction on record (a correction names a visit anywhere in the history), no wrong
 * typed code on record (the throttle counts over the whole history in the order of receipt),
 * and one time zone (the cut is a local midnight).
 */
function windowOf(
  pairs: readonly ProviderClientPair[],
  receivedAfter: number,
  stored: ReadonlyMap<string, StoredPair>,
  changedPairs: ReadonlySet<string>,
  manual: ReadonlySet<string>,
  zoneOf: ReadonlyMap<string, string>,
): ComponentWindow | null {
  const out: ComponentWindow["pairs"] = [];
  let zone: string | null = null;
  for (const [p, c] of pairs) {
    const key = pairKey(p, c);
    const s = stored.get(key);
    if (!s || s.leadMs === null || s.caregivers === null || s.typedFailures !== 0 || changedPairs.has(key) || manual.has(key)) return null;
    const z = zoneOf.get(c);
    if (z === undefined || (zone !== null && z !== zone)) return null;
    zone = z;
    out.push({ leadMs: s.leadMs, caregivers: s.caregivers });
  }
  return zone === null ? null : { receivedAfter, zone, pairs: out };
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
