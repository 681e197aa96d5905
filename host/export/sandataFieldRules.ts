// The field rules of Sandata's Alternate-EVV intake (../shared/aggregators/sandata-alt-evv.md
// §1-4) as data, and a checker that names every rule a record breaks: required fields, no
// unknown fields (names are case-sensitive), fields marked "do not provide", types, lengths,
// formats, allowed values, and the rules across fields (calls, adjusted times, change records,
// cancelling, one primary address). The exporter refuses to write a record that breaks one; the
// conformance test checks every exported record with it.
import { SANDATA_TIME_ZONES } from "./sandataSettings.js";

type Kind = "string" | "integer" | "boolean" | "number" | "datetime" | "object" | "array";

export interface FieldRule {
  kind: Kind;
  required?: boolean;
  /** Maximum length of a string (or digits of an integer). */
  max?: number;
  /** Exact length of a string. */
  length?: number;
  pattern?: RegExp;
  values?: readonly string[];
  /** Null is allowed (optional fields sent as null). */
  nullable?: boolean;
  /** Known to the format but "do not provide" (CT's D): sending it is an error. */
  doNotProvide?: boolean;
  fields?: Record<string, FieldRule>;
  /** For arrays: the element's fields, and bounds. */
  items?: Record<string, FieldRule>;
  minItems?: number;
  maxItems?: number;
}

export const SANDATA_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const NAME = /^[\p{L}.'-]+$/u;
const DIGITS = /^\d+$/;
const ADDRESS_LINE = /^[\p{L}\d.#'_ -]+$/u;
const CITY = /^[\p{L}._ -]+$/u;
const NO_SPECIAL = /^[A-Za-z0-9 ]*$/;

const str = (max: number, more: Partial<FieldRule> = {}): FieldRule => ({ kind: "string", max, ...more });
const req = (rule: FieldRule): FieldRule => ({ ...rule, required: true });
const bool = (more: Partial<FieldRule> = {}): FieldRule => ({ kind: "boolean", ...more });
const dnp = (kind: Kind = "string"): FieldRule => ({ kind, doNotProvide: true });
const providerIdentification: FieldRule = req({ kind: "object", fields: { ProviderQualifier: req(str(20)), ProviderID: req(str(64)) } });

export const SANDATA_CALL_TYPES = ["Telephony", "Mobile", "FVV", "Manual"] as const;

export const VISIT_RULES: Record<string, FieldRule> = {
  ProviderIdentification: providerIdentification,
  VisitOtherID: req(str(50)),
  SequenceID: req({ kind: "integer", max: 16 }),
  EmployeeQualifier: req(str(20)),
  EmployeeIdentifier: req(str(9)),
  EmployeeOtherID: str(64),
  ClientIDQualifier: req(str(20)),
  ClientID: req(str(64)),
  ClientOtherID: str(24),
  GroupCode: str(6),
  VisitCancelledIndicator: bool(),
  PayerID: req(str(64)),
  PayerProgram: req(str(9)),
  ProcedureCode: req(str(5)),
  Modifier1: str(2, { length: 2 }),
  Modifier2: str(2, { length: 2 }),
  Modifier3: str(2, { length: 2 }),
  Modifier4: str(2, { length: 2 }),
  VisitTimeZone: req(str(64, { values: SANDATA_TIME_ZONES })),
  AdjInDateTime: { kind: "datetime", nullable: true },
  AdjOutDateTime: { kind: "datetime", nullable: true },
  BillVisit: req(bool()),
  Memo: str(1024),
  ClientVerifiedTimes: bool(),
  ClientVerifiedTasks: bool(),
  ClientVerifiedService: bool(),
  ClientSignatureAvailable: bool(),
  ClientVoiceRecording: bool(),
  ScheduleStartTime: dnp("datetime"),
  ScheduleEndTime: dnp("datetime"),
  ContingencyPlan: dnp(),
  Reschedule: dnp("boolean"),
  HoursToBill: dnp("number"),
  HoursToPay: dnp("number"),
  Calls: {
    kind: "array",
    maxItems: 2,
    items: {
      CallExternalID: req(str(16)),
      CallDateTime: req({ kind: "datetime" }),
      CallAssignment: req(str(10, { values: ["Time In", "Time Out"] })),
      CallType: req(str(20, { values: SANDATA_CALL_TYPES })),
      ProcedureCode: req(str(5)),
      ClientIdentifierOnCall: str(10),
      MobileLogin: str(64, { nullable: true }),
      CallLatitude: { kind: "number", nullable: true },
      CallLongitude: { kind: "number", nullable: true },
      TelephonyPIN: { kind: "integer", max: 9, nullable: true },
      OriginatingPhoneNumber: str(10, { pattern: DIGITS, nullable: true }),
      GroupCode: str(6),
      Location: dnp(),
      VisitLocationType: str(25, { values: ["1", "2"] }),
    },
  },
  VisitChanges: {
    kind: "array",
    items: {
      SequenceID: req(str(16, { pattern: DIGITS })),
      ChangeMadeBy: req(str(64)),
      ChangeDateTime: req({ kind: "datetime" }),
      GroupCode: str(6),
      ReasonCode: req(str(4)),
      ChangeReasonMemo: str(256),
      ResolutionCode: dnp(),
    },
  },
  VisitExceptionAcknowledgement: { kind: "array", items: { ExceptionID: req(str(2)), ExceptionAcknowledged: req(bool()) } },
  Tasks: { kind: "array", items: { TaskID: req(str(4)), TaskReading: str(10, { pattern: NO_SPECIAL }), TaskRefused: bool() } },
};

export const CLIENT_RULES: Record<string, FieldRule> = {
  ProviderIdentification: providerIdentification,
  ClientQualifier: req(str(20)),
  ClientIdentifier: req(str(64)),
  ClientFirstName: req(str(30, { pattern: NAME })),
  ClientLastName: req(str(30, { pattern: NAME })),
  ClientMiddleInitial: str(1, { pattern: /^\p{L}$/u }),
  ClientMedicaidID: req(str(64)),
  ClientCustomID: req(str(24)),
  MissingMedicaidID: bool(),
  SequenceID: req({ kind: "integer", max: 16 }),
  ClientOtherID: str(24, { pattern: NO_SPECIAL }),
  ClientTimeZone: req(str(64, { values: SANDATA_TIME_ZONES })),
  Coordinator: dnp(),
  ProviderAssentContPlan: dnp(),
  ClientAddress: {
    kind: "array",
    required: true,
    minItems: 1,
    items: {
      ClientAddressType: req(str(12, { values: ["Home", "Business", "Other"] })),
      ClientAddressIsPrimary: req(bool()),
      ClientAddressLine1: req(str(30, { pattern: ADDRESS_LINE })),
      ClientAddressLine2: str(30, { pattern: ADDRESS_LINE }),
      ClientCity: req(str(30, { pattern: CITY })),
      ClientCounty: str(25),
      ClientState: req(str(2, { length: 2, pattern: /^[A-Z]{2}$/ })),
      ClientZip: req(str(9, { pattern: DIGITS })),
      ClientAddressLatitude: dnp("number"),
      ClientAddressLongitude: dnp("number"),
    },
  },
  ClientPhone: { kind: "array", items: { ClientPhoneType: req(str(12, { values: ["Home", "Mobile", "Business", "Other"] })), ClientPhone: req(str(10, { length: 10, pattern: DIGITS })) } },
};

export const EMPLOYEE_RULES: Record<string, FieldRule> = {
  ProviderIdentification: providerIdentification,
  EmployeeQualifier: req(str(20)),
  EmployeeIdentifier: req(str(9)),
  EmployeeOtherID: str(64),
  SequenceID: req({ kind: "integer", max: 16 }),
  EmployeeFirstName: req(str(30, { pattern: NAME })),
  EmployeeLastName: req(str(30, { pattern: NAME })),
  EmployeeEmail: str(64, { pattern: /^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$/ }),
  EmployeeManagerEmail: dnp(),
  EmployeeHireDate: dnp(),
  EmployeeEndDate: dnp(),
  EmployeeAPI: dnp(),
  EmployeePosition: dnp(),
};

export type SandataRecordKind = "visit" | "client" | "employee";
const RULES: Record<SandataRecordKind, Record<string, FieldRule>> = { visit: VISIT_RULES, client: CLIENT_RULES, employee: EMPLOYEE_RULES };

/** Problems of the fields against their rules (recursively), each naming the field path. */
export function checkFields(value: Record<string, unknown>, rules: Record<string, FieldRule>, path = ""): string[] {
  const problems: string[] = [];
  for (const name of Object.keys(value)) if (!(name in rules)) problems.push(`${path}${name}: not a field of the format`);
  for (const [name, rule] of Object.entries(rules)) {
    const at = path + name;
    const v = value[name];
    if (v === undefined) {
      if (rule.required) problems.push(`${at}: required`);
      continue;
    }
    if (rule.doNotProvide) {
      problems.push(`${at}: marked "do not provide"`);
      continue;
    }
    if (v === null) {
      if (!rule.nullable) problems.push(`${at}: must not be null`);
      continue;
    }
    problems.push(...checkValue(v, rule, at));
  }
  return problems;
}

function checkValue(v: unknown, rule: FieldRule, at: string): string[] {
  switch (rule.kind) {
    case "string": {
      if (typeof v !== "string") return [`${at}: must be a string`];
      const out: string[] = [];
      if (rule.max !== undefined && v.length > rule.max) out.push(`${at}: ${v.length} characters, at most ${rule.max}`);
      if (rule.length !== undefined && v.length !== rule.length) out.push(`${at}: must be ${rule.length} characters`);
      if (v.length === 0) out.push(`${at}: empty`);
      if (rule.pattern && !rule.pattern.test(v)) out.push(`${at}: ${JSON.stringify(v)} has characters the format does not allow`);
      if (rule.values && !rule.values.includes(v)) out.push(`${at}: ${JSON.stringify(v)} is not one of ${rule.values.join(", ")}`);
      return out;
    }
    case "integer":
      if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) return [`${at}: must be a whole number`];
      return rule.max !== undefined && String(v).length > rule.max ? [`${at}: more than ${rule.max} digits`] : [];
    case "number":
      return typeof v === "number" && Number.isFinite(v) ? [] : [`${at}: must be a number`];
    case "boolean":
      return typeof v === "boolean" ? [] : [`${at}: must be true or false`];
    case "datetime":
      return typeof v === "string" && SANDATA_DATETIME.test(v) && !Number.isNaN(Date.parse(v)) ? [] : [`${at}: must be UTC YYYY-MM-DDTHH:MM:SSZ`];
    case "object":
      return v !== null && typeof v === "object" && !Array.isArray(v) ? checkFields(v as Record<string, unknown>, rule.fields ?? {}, at + ".") : [`${at}: must be an object`];
    case "array": {
      if (!Array.isArray(v)) return [`${at}: must be an array`];
      const out: string[] = [];
      if (rule.minItems !== undefined && v.length < rule.minItems) out.push(`${at}: at least ${rule.minItems}`);
      if (rule.maxItems !== undefined && v.length > rule.maxItems) out.push(`${at}: at most ${rule.maxItems}`);
      v.forEach((item, i) => {
        if (item === null || typeof item !== "object" || Array.isArray(item)) out.push(`${at}[${i}]: must be an object`);
        else out.push(...checkFields(item as Record<string, unknown>, rule.items ?? {}, `${at}[${i}].`));
      });
      return out;
    }
  }
}

export interface VisitCheckContext {
  /** The visit was sent before (this is an update: it needs a change record). */
  update: boolean;
  /** Reason codes that need a memo. */
  memoRequiredFor: readonly string[];
}

type Call = { CallAssignment: string; CallType: string; CallDateTime: string; MobileLogin?: unknown; CallLatitude?: unknown; CallLongitude?: unknown; TelephonyPIN?: unknown; OriginatingPhoneNumber?: unknown };
type Change = { SequenceID: string; ReasonCode: string; ChangeReasonMemo?: string };

/** The rules across a visit's fields (§3): calls, adjusted times and their order, change records, cancelling, billing. */
export function checkVisitRules(visit: Record<string, unknown>, ctx: VisitCheckContext): string[] {
  const out: string[] = [];
  const calls = (Array.isArray(visit.Calls) ? visit.Calls : []) as Call[];
  const changes = (Array.isArray(visit.VisitChanges) ? visit.VisitChanges : []) as Change[];
  const ms = (text: unknown) => (typeof text === "string" ? Date.parse(text) : NaN);
  const inCall = calls.filter((c) => c.CallAssignment === "Time In");
  const outCall = calls.filter((c) => c.CallAssignment === "Time Out");
  if (inCall.length > 1 || outCall.length > 1) out.push("Calls: at most one Time In and one Time Out");
  for (const c of calls) {
    const mobile = c.CallLatitude != null || c.CallLongitude != null || c.MobileLogin != null;
    const telephony = c.TelephonyPIN != null || c.OriginatingPhoneNumber != null;
    if (c.CallType === "Mobile" && (c.CallLatitude == null || c.CallLongitude == null || c.MobileLogin == null)) out.push("Calls: a Mobile call needs CallLatitude, CallLongitude and MobileLogin");
    if (c.CallType === "Telephony" && (c.TelephonyPIN == null || c.OriginatingPhoneNumber == null)) out.push("Calls: a Telephony call needs TelephonyPIN and OriginatingPhoneNumber");
    if (c.CallType !== "Mobile" && mobile) out.push(`Calls: a ${c.CallType} call must not carry GPS fields`);
    if (c.CallType !== "Telephony" && telephony) out.push(`Calls: a ${c.CallType} call must not carry telephony fields`);
  }
  const callIn = inCall[0] ? ms(inCall[0].CallDateTime) : null;
  const callOut = outCall[0] ? ms(outCall[0].CallDateTime) : null;
  const adjIn = visit.AdjInDateTime == null ? null : ms(visit.AdjInDateTime);
  const adjOut = visit.AdjOutDateTime == null ? null : ms(visit.AdjOutDateTime);
  if (callIn !== null && callOut !== null && adjIn === null && adjOut === null && !(callOut > callIn)) out.push("Calls: the Time Out call must be after the Time In call");
  if (adjIn !== null && adjOut !== null && !(adjOut > adjIn)) out.push("AdjOutDateTime must be after AdjInDateTime");
  if (adjIn !== null && callOut !== null && !(callOut > adjIn)) out.push("the Time Out call must be after AdjInDateTime");
  if (adjOut !== null && callIn !== null && !(adjOut > callIn)) out.push("AdjOutDateTime must be after the Time In call");
  const manualCalls = calls.some((c) => c.CallType === "Manual");
  const needsChanges = manualCalls || adjIn !== null || adjOut !== null || ctx.update;
  if (needsChanges && changes.length === 0) out.push(`VisitChanges: required (${[manualCalls && "Manual calls", (adjIn !== null || adjOut !== null) && "adjusted times", ctx.update && "an update"].filter(Boolean).join(", ")})`);
  for (const [i, c] of changes.entries()) {
    if (String(c.SequenceID) !== String(visit.SequenceID)) out.push(`VisitChanges[${i}].SequenceID: must be the visit's SequenceID ${String(visit.SequenceID)}`);
    if (ctx.memoRequiredFor.includes(c.ReasonCode) && !c.ChangeReasonMemo) out.push(`VisitChanges[${i}].ChangeReasonMemo: required for reason code ${c.ReasonCode}`);
  }
  if (visit.VisitCancelledIndicator === true && (calls.length > 0 || adjIn !== null || adjOut !== null)) out.push("VisitCancelledIndicator: true only for a visit without calls or adjusted times");
  if (!ctx.update && visit.BillVisit !== true) out.push("BillVisit: a first send carries true");
  if (calls.length === 0 && adjIn === null && adjOut === null && visit.VisitCancelledIndicator !== true) out.push("Calls: a visit needs calls or adjusted times");
  return out;
}

/** Every rule a record of this kind breaks (visits: with the rules across fields too). */
export function checkSandataRecord(kind: SandataRecordKind, record: Record<string, unknown>, ctx: VisitCheckContext = { update: false, memoRequiredFor: [] }): string[] {
  const problems = checkFields(record, RULES[kind]);
  if (kind === "visit") problems.push(...checkVisitRules(record, ctx));
  if (kind === "client" && Array.isArray(record.ClientAddress)) {
    const primaries = (record.ClientAddress as { ClientAddressIsPrimary?: unknown }[]).filter((a) => a.ClientAddressIsPrimary === true).length;
    if (primaries !== 1) problems.push(`ClientAddress: exactly one primary address (${primaries})`);
  }
  return problems;
}
