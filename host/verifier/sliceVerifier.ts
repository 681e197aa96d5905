// Verifies a slice of the run: components of the provider–client graph (every rule looks within
// one component, never across), each whole or from a cut on (a window: only new readings touch
// it; README, "Windows"), from their stored readings to decided visit records.
// The same code runs in the writer's thread (one thread) or in each worker thread.
import type { EvvDatabase } from "../storage/database.js";
import type { MasterKeySource } from "./masterKeys.js";
import type { VerifierSettings } from "./settings.js";
import type { ProviderClientPair } from "./pairComponents.js";
import type { ComponentWindow, PlannedComponent } from "./runPlan.js";
import { DateTime } from "luxon";
import { unitsByCategoryOfJson, type UnitsCarry, type UnitsWeekState } from "./rules/authorizedUnits.js";
import type { CaregiverWeek } from "./rules/weeklyAudit.js";
import { VerificationContext } from "./verificationContext.js";
import { LocalCalendar } from "./localCalendar.js";
import { ReadingEvidence, type ReadingVerdict } from "./readingEvidence.js";
import { loadIntakeFacts } from "./intakeFacts.js";
import { READING_ROW_CAREGIVER, READING_ROW_COLUMNS, type ReadingRow } from "./readingRow.js";
import { pairReadings } from "./visitPairing.js";
import { isBillableCandidate, type VisitDraft } from "./visitDraft.js";
import { establishVisitFacts } from "./rules/visitFacts.js";
import { markDuplicatesAndOverlaps } from "./rules/duplicatesAndOverlaps.js";
import { applyNorthDakotaRules } from "./rules/northDakotaRules.js";
import { statusOf } from "./reasonCodes.js";
import { RECORD_VISIT_ID, recordVisit, type RecordValue } from "./visitRecord.js";
import { decisionsEntryBody } from "./visitDecision.js";
import { applyManualEntries, MANUAL_ENTRY_COLUMNS, type ManualEntryRow } from "./manualVisits.js";
import type { Reason } from "./reasonCodes.js";

export type Slice = PlannedComponent[];

/** What the writer records of a provider–client pair verified (runPlan.ts, StoredPair). */
export interface PairOutcome {
  provider: string;
  client: string;
  leadMs: number;
  caregivers: (string | null)[];
  typedFailures: number;
  /** A windowed pair: the cut (UTC ms; null when no new reading proved anything, so nothing was re-verified), and the stored visits it replaces (by visit ID). Null for a pair verified whole. */
  window: { fromMs: number | null; fromWeek: string | null; replacesVisitIds: string[] } | null;
}

/** An authorization span's units accumulator at the end of a week (rules/authorizedUnits.ts), for the pair that holds the authorization. */
export type UnitsWeekRow = [provider: string, client: string, authorizationId: string, span: string, week: string, total: number, byCategory: string, days: number];

export interface SliceOutcome {
  /** VISIT_RECORD_WIDTH values per visit, in decision order. */
  records: RecordValue[];
  /** Visits in the slice. */
  visits: number;
  /** The slice's `visit.decisions` audit entry (deflated; visitDecision.ts), or null when it has no visits. */
  auditEntry: { firstVisit: string; body: Uint8Array } | null;
  /** Readings read and judged. */
  readings: number;
  auditWeeks: CaregiverWeek[];
  pairs: PairOutcome[];
  unitsWeeks: UnitsWeekRow[];
  /** Components verified from a cut on. */
  windowed: number;
  /** Milliseconds judging and pairing readings, and applying the rules (never asserted). */
  readingsMs: number;
  rulesMs: number;
}

const WEEK_GUARD = 1000;

export class SliceVerifier {
  private readonly ctx: VerificationContext;
  private readonly calendar = new LocalCalendar();
  private readonly evidence: ReadingEvidence;
  private readonly maxVisitMs: number;
  private readonly selectPair;
  private readonly selectNew;
  private readonly selectFrom;
  private readonly selectUnits;
  /** Manual visit entries by "provider|client", loaded once (they are few). */
  private readonly manualByPair = new Map<string, ManualEntryRow[]>();

  constructor(
    db: EvvDatabase,
    keys: MasterKeySource,
    settings: VerifierSettings,
    private readonly runId: number,
    /** Called after each provider–client pair's readings are judged (a worker's sign of life). */
    private readonly onPair: () => void = () => {},
  ) {
    this.ctx = new VerificationContext(db, keys);
    this.evidence = new ReadingEvidence(this.ctx, settings, loadIntakeFacts(db));
    this.maxVisitMs = settings.maxVisitHours * 3600_000;
    this.selectPair = db.prepare(`SELECT ${READING_ROW_COLUMNS} FROM readings WHERE provider_number = ? AND client_nd_number = ? ORDER BY received_seq`).raw();
    this.selectNew = db.prepare(`SELECT ${READING_ROW_COLUMNS} FROM readings WHERE provider_number = ? AND client_nd_number = ? AND received_seq > ? ORDER BY received_seq`).raw();
    // The look-back reads a pair's readings from a reader time on (readings_by_pair). The unary
    // plus keeps SQLite's planner off readings_by_pair_receipt, which the ORDER BY and the
    // received_seq bound would otherwise win it to: that index walks the pair's whole history up
    // to the mark, so a run's cost grew with the stored readings (at 2,000,000: 305 ms of 2.2 s).
    this.selectFrom = db
      .prepare(`SELECT ${READING_ROW_COLUMNS} FROM readings WHERE provider_number = ? AND client_nd_number = ? AND reader_ms >= ? AND +received_seq <= ? ORDER BY +received_seq`)
      .raw();
    this.selectUnits = db.prepare(
      "SELECT total, by_category, days FROM verify_units WHERE provider_number = ? AND client_nd_number = ? AND authorization_id = ? AND span = ? AND week < ? ORDER BY week DESC LIMIT 1",
    );
    for (const m of db.prepare(`SELECT provider_number, client_nd_number, ${MANUAL_ENTRY_COLUMNS} FROM manual_visits ORDER BY entry_id`).all() as (ManualEntryRow & {
      provider_number: string;
      client_nd_number: string;
    })[]) {
      const key = m.provider_number + "|" + m.client_nd_number;
      const list = this.manualByPair.get(key);
      if (list) list.push(m);
      else this.manualByPair.set(key, [m]);
    }
  }

  /**
   * The caregiver a reading's caregiver ID stands for: an individual QSP is its own caregiver
   * (named or not); an agency's reading must name a known employee, or the visit goes to review
   * (and, without a name, is not paid: caps and the audit are per person).
   */
  private caregiverOf(providerNumber: string, named: string | null): { caregiverId: string | null; reason: Reason | null } {
    const provider = this.ctx.providers.get(providerNumber);
    if (named === null) {
      if (provider?.kind === "individual") return { caregiverId: providerNumber, reason: null };
      return { caregiverId: null, reason: { code: "CAREGIVER_NOT_NAMED", detail: `agency ${providerNumber}` } };
    }
    if (provider && !this.ctx.caregiver(providerNumber, named)) return { caregiverId: named, reason: { code: "UNKNOWN_CAREGIVER", detail: `${named} of ${providerNumber}` } };
    return { caregiverId: named, reason: null };
  }

  verify(slice: Slice): SliceOutcome {
    const out: SliceOutcome = { records: [], visits: 0, auditEntry: null, readings: 0, auditWeeks: [], pairs: [], unitsWeeks: [], windowed: 0, readingsMs: 0, rulesMs: 0 };
    const decisions: string[] = [];
    for (const component of slice) {
      const t0 = performance.now();
      const visits: VisitDraft[] = [];
      let carry: UnitsCarry | undefined;
      if (component.window === null) for (const [providerNumber, clientNdNumber] of component.pairs) this.verifyPairWhole(providerNumber, clientNdNumber, visits, out);
      else {
        carry = this.verifyWindow(component.pairs, component.window, visits, out);
        out.windowed++;
      }
      const t1 = performance.now();
      const decided = decideVisits(visits, this.ctx, this.calendar, carry);
      for (const w of decided.auditWeeks) out.auditWeeks.push(w);
      for (const u of decided.unitsWeeks) out.unitsWeeks.push([u.providerNumber, u.clientNdNumber, u.authorizationId, u.span, u.week, u.total, u.byCategory, u.days]);
      for (const v of visits) decisions.push(recordVisit(v, out.records));
      out.readingsMs += t1 - t0;
      out.rulesMs += performance.now() - t1;
    }
    out.visits = decisions.length;
    if (decisions.length > 0) {
      const t2 = performance.now();
      out.auditEntry = { firstVisit: out.records[RECORD_VISIT_ID] as string, body: decisionsEntryBody(this.runId, decisions) };
      out.rulesMs += performance.now() - t2;
    }
    return out;
  }

  /** Evidence and pairing of all of a pair's readings, in the order of receipt (the typed-code throttle counts in that order). */
  private verifyPairWhole(providerNumber: string, clientNdNumber: string, visits: VisitDraft[], out: SliceOutcome): void {
    const rows = this.selectPair.all(providerNumber, clientNdNumber) as ReadingRow[];
    const verdicts = new Array<ReadingVerdict>(rows.length);
    let leadMs = 0;
    for (let i = 0; i < rows.length; i++) {
      const v = (verdicts[i] = this.evidence.judge(providerNumber, clientNdNumber, rows[i]));
      leadMs = leadWith(leadMs, v);
    }
    const caregivers = caregiversInOrder(rows, []);
    this.pairGroups(providerNumber, clientNdNumber, rows, verdicts, caregivers, visits);
    out.pairs.push({ provider: providerNumber, client: clientNdNumber, leadMs, caregivers, typedFailures: this.evidence.typedFailures(providerNumber, clientNdNumber), window: null });
    out.readings += rows.length;
    this.onPair();
  }

  /**
   * Each caregiver's readings paired on their own (judged all together in the order HHS
   * received them), the groups in the order of their caregivers' first receipt; then the pair's
   * manual entries.
   */
  private pairGroups(providerNumber: string, clientNdNumber: string, rows: readonly ReadingRow[], verdicts: readonly ReadingVerdict[], caregivers: readonly (string | null)[], visits: VisitDraft[]): void {
    const client = this.ctx.clients.get(clientNdNumber) ?? null;
    const byCaregiver = new Map<string | null, ReadingVerdict[]>();
    for (const c of caregivers) byCaregiver.set(c, []);
    for (let i = 0; i < rows.length; i++) byCaregiver.get(rows[i][READING_ROW_CAREGIVER])!.push(verdicts[i]);
    for (const [named, group] of byCaregiver) {
      if (group.length === 0) continue;
      const { caregiverId, reason } = this.caregiverOf(providerNumber, named);
      for (const v of pairReadings(providerNumber, caregiverId, clientNdNumber, client, group, this.maxVisitMs)) {
        if (reason) v.reasons.push(reason);
        visits.push(v);
      }
    }
    const manual = this.manualByPair.get(providerNumber + "|" + clientNdNumber);
    if (manual) applyManualEntries(visits, manual, providerNumber, clientNdNumber, client);
  }

  /**
   * A component from a cut on (README, "Incremental runs"): the new readings are judged first
   * (the pairs hold no wrong typed code before them, so the throttle starts empty), the cut is
   * the local Monday midnight at or before the earliest time a new reading proves, moved a week
   * earlier while a caregiver's last proven reading before it is a check-in within the longest
   * visit (a check-out after the cut could close it); the stored readings from the cut on are
   * judged again and paired with the new ones, and the stored visits of those readings are
   * replaced. A new reading that proves nothing is a rejected visit of its own wherever its time
   * falls. Returns the authorized units used before the cut, per authorization span.
   */
  private verifyWindow(pairs: readonly ProviderClientPair[], window: ComponentWindow, visits: VisitDraft[], out: SliceOutcome): UnitsCarry {
    const fresh = pairs.map(([p, c]) => {
      const rows = this.selectNew.all(p, c, window.receivedAfter) as ReadingRow[];
      const verdicts = rows.map((row) => this.evidence.judge(p, c, row));
      const typedFailures = this.evidence.typedFailures(p, c);
      this.evidence.forgetThrottle(p, c);
      out.readings += rows.length;
      return { rows, verdicts, typedFailures };
    });
    let earliest = Infinity;
    for (const f of fresh) for (const v of f.verdicts) if (v.proven && v.timeMs < earliest) earliest = v.timeMs;
    let cut = earliest === Infinity ? Infinity : DateTime.fromMillis(earliest, { zone: window.zone }).startOf("week").toMillis();
    let stored: { rows: ReadingRow[]; verdicts: ReadingVerdict[] }[] = pairs.map(() => ({ rows: [], verdicts: [] }));
    for (let guard = 0; cut !== Infinity; guard++) {
      if (guard > WEEK_GUARD) throw new Error(`no cut found for the component of ${pairs[0].join("/")}`);
      const lookFrom = cut - this.maxVisitMs;
      stored = pairs.map(([p, c], i) => {
        const rows = this.selectFrom.all(p, c, lookFrom - window.pairs[i].leadMs, window.receivedAfter) as ReadingRow[];
        out.readings += rows.length;
        return { rows, verdicts: rows.map((row) => this.evidence.judge(p, c, row)) };
      });
      if (!stored.some((s) => openAcross(s.rows, s.verdicts, lookFrom, cut))) break;
      cut = DateTime.fromMillis(cut, { zone: window.zone }).minus({ weeks: 1 }).startOf("week").toMillis();
    }
    const fromWeek = cut === Infinity ? null : this.calendar.localDateOf(window.zone, cut);
    pairs.forEach(([p, c], i) => {
      const rows: ReadingRow[] = [];
      const verdicts: ReadingVerdict[] = [];
      const replacesVisitIds: string[] = [];
      let leadMs = window.pairs[i].leadMs;
      const s = stored[i];
      for (let k = 0; k < s.rows.length; k++) {
        const v = s.verdicts[k];
        leadMs = leadWith(leadMs, v);
        if (v.timeMs < cut) continue;
        rows.push(s.rows[k]);
        verdicts.push(v);
        replacesVisitIds.push(v.readingId);
      }
      const f = fresh[i];
      for (let k = 0; k < f.rows.length; k++) {
        const v = f.verdicts[k];
        leadMs = leadWith(leadMs, v);
        rows.push(f.rows[k]);
        verdicts.push(v);
      }
      const caregivers = caregiversInOrder(f.rows, window.pairs[i].caregivers);
      this.pairGroups(p, c, rows, verdicts, caregivers, visits);
      out.pairs.push({ provider: p, client: c, leadMs, caregivers, typedFailures: f.typedFailures, window: { fromMs: cut === Infinity ? null : cut, fromWeek, replacesVisitIds } });
      this.onPair();
    });
    return (authorization, span) => {
      if (fromWeek === null) return undefined;
      const row = this.selectUnits.get(authorization.providerNumber, authorization.clientNdNumber, authorization.authorizationId, span, fromWeek) as
        | { total: number; by_category: string; days: number }
        | undefined;
      return row ? { total: row.total, byCategory: unitsByCategoryOfJson(row.by_category), days: row.days } : undefined;
    };
  }
}

/** The pair's lead (how far a proven reading's time ran ahead of its reader's clock, at most) with `v` counted. */
function leadWith(leadMs: number, v: ReadingVerdict): number {
  return v.proven && v.timeMs - v.readerMs > leadMs ? v.timeMs - v.readerMs : leadMs;
}

/** `known` then the caregivers the rows name that it lacks, in the order of the rows. */
function caregiversInOrder(rows: readonly ReadingRow[], known: readonly (string | null)[]): (string | null)[] {
  const out = [...known];
  const seen = new Set(known);
  for (const row of rows) {
    const c = row[READING_ROW_CAREGIVER];
    if (!seen.has(c)) seen.add(c), out.push(c);
  }
  return out;
}

/**
 * Whether a caregiver's last proven reading before `cut`, in the order pairing takes them (time,
 * check-in first), is a check-in at or after `from` (the cut less the longest visit): then a
 * check-out after the cut could close it, and the cut must move earlier.
 */
function openAcross(rows: readonly ReadingRow[], verdicts: readonly ReadingVerdict[], from: number, cut: number): boolean {
  const last = new Map<string | null, ReadingVerdict>();
  for (let i = 0; i < rows.length; i++) {
    const v = verdicts[i];
    if (!v.proven || v.timeMs < from || v.timeMs >= cut) continue;
    const c = rows[i][READING_ROW_CAREGIVER];
    const before = last.get(c);
    if (!before || v.timeMs > before.timeMs || (v.timeMs === before.timeMs && v.event === "check-out") || (v.timeMs === before.timeMs && before.event === v.event)) last.set(c, v);
  }
  for (const v of last.values()) if (v.event === "check-in") return true;
  return false;
}

/** Visit checks, duplicates and overlaps, the ND rules, and each visit's final status and units. */
function decideVisits(
  visits: VisitDraft[],
  ctx: VerificationContext,
  calendar: LocalCalendar,
  unitsCarry?: UnitsCarry,
): { auditWeeks: CaregiverWeek[]; unitsWeeks: UnitsWeekState[] } {
  const complete: VisitDraft[] = [];
  for (const v of visits) {
    v.status = statusOf(v.reasons);
    if (v.status === "rejected" || v.beginMs === null) continue;
    establishVisitFacts(v, ctx, calendar);
    v.status = statusOf(v.reasons);
    if (v.status !== "rejected") complete.push(v);
  }
  markDuplicatesAndOverlaps(complete);
  const billable: VisitDraft[] = [];
  for (const v of complete) {
    v.status = statusOf(v.reasons);
    if (isBillableCandidate(v)) billable.push(v);
  }
  const outcome = applyNorthDakotaRules(billable, ctx, calendar, unitsCarry);
  for (const v of visits) {
    v.status = statusOf(v.reasons);
    let units = 0;
    if (v.status !== "rejected") for (const d of v.days) units += d.units;
    else for (const d of v.days) (d.paidMinutes = 0), (d.units = 0);
    v.units = units;
  }
  return { auditWeeks: outcome.auditWeeks, unitsWeeks: outcome.unitsWeeks };
}
