// What the intake service's route plugins share: the database, the accounts, the group-commit
// writer, signature checks, the admin credentials, the limits and the event loop's delays.
import type { FastifyRequest } from "fastify";
import type { IntervalHistogram } from "node:perf_hooks";
import type { EvvDatabase } from "../storage/database.js";
import type { IntakeAccounts } from "./intakeAccounts.js";
import type { GroupCommitIntake } from "./groupCommit.js";
import type { ReaderSignatures } from "./readerSignatures.js";
import type { ServiceCredential } from "./serviceCredentials.js";

export interface ServiceLimits {
  /** Requests a minute from one address (all routes). */
  perAddressPerMinute: number;
  /** Readings a minute from one reader or session. */
  perReaderPerMinute: number;
  /** Enrollment, password and sign-in attempts a minute from one address. */
  signInPerMinute: number;
  /** Largest request body, in bytes. */
  bodyBytes: number;
}

export const DEFAULT_LIMITS: ServiceLimits = { perAddressPerMinute: 6000, perReaderPerMinute: 120, signInPerMinute: 10, bodyBytes: 16 * 1024 };

/** How often the event loop's lateness is sampled (monitorEventLoopDelay's resolution). */
export const EVENT_LOOP_SAMPLE_MS = 10;

export interface ServiceContext {
  db: EvvDatabase;
  accounts: IntakeAccounts;
  intake: GroupCommitIntake;
  signatures: ReaderSignatures;
  credentials: () => readonly ServiceCredential[];
  limits: ServiceLimits;
  /** How late the event loop ran its timers (ns), since the service started: /health's `eventLoopDelay`. */
  eventLoopDelay: IntervalHistogram;
}

/** The bearer token of a request, or null. */
export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (typeof header !== "string") return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match ? match[1] : null;
}
