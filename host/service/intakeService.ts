// `evv serve`: the HTTP service HHS runs for visit intake (issue 11), built with Fastify, one
// plugin per concern: health, accounts (enrollment, passwords, sessions), readings, admin.
// It writes to the verifier's database (WAL; this connection fsyncs every commit) through the
// group-commit writer, so `evv verify` can run beside it on the same file.
import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from "fastify";
import rateLimit from "@fastify/rate-limit";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { openDatabase, type EvvDatabase } from "../storage/database.js";
import { AuditAppender, sealAuditWith } from "../storage/auditLog.js";
import { AccountError, IntakeAccounts } from "./intakeAccounts.js";
import { GroupCommitIntake } from "./groupCommit.js";
import { ReaderSignatures } from "./readerSignatures.js";
import { readCredentials, type ServiceCredential } from "./serviceCredentials.js";
import { DEFAULT_LIMITS, EVENT_LOOP_SAMPLE_MS, type ServiceContext, type ServiceLimits } from "./serviceContext.js";
import type { TlsFiles } from "./tlsFiles.js";
import { healthRoutes } from "./routes/healthRoutes.js";
import { accountRoutes } from "./routes/accountRoutes.js";
import { readingRoutes } from "./routes/readingRoutes.js";
import { adminRoutes } from "./routes/adminRoutes.js";
import { webAppRoutes } from "./routes/webAppRoutes.js";
import { refuse } from "./requestBody.js";
import { storageFailure } from "../storage/storageFailure.js";

export interface IntakeServiceOptions {
  dbPath: string;
  /**
   * The audit log's seal key (Keystore.auditSealKey): every entry the service writes (accounts on
   * this connection, `intake.readings` on the commit thread's) is sealed with it. The service
   * keeps copies of its own and wipes them on close; the caller may wipe this one once built.
   */
  auditSealKey: Uint8Array;
  /** null: plain HTTP (loopback only; refused by `evv serve` elsewhere). */
  tls: TlsFiles | null;
  credentialsPath?: string;
  limits?: Partial<ServiceLimits>;
  /** pino logger options (Fastify's own), or false for none. */
  logger?: FastifyServerOptions["logger"];
  /** How long the service waits on a busy database before it answers 503. */
  maxWaitMs?: number;
}

export interface IntakeService {
  app: FastifyInstance;
  db: EvvDatabase;
  context: ServiceContext;
  /** Reads the credentials file again (`evv serve` does on SIGHUP); a file that does not parse leaves the old ones, logged. */
  reloadCredentials(): void;
  /** Stops accepting, answers what is in flight, commits what waits, closes the database. */
  close(): Promise<void>;
}

export async function buildIntakeService(options: IntakeServiceOptions): Promise<IntakeService> {
  if (options.auditSealKey.length !== 32) throw new Error("the audit seal key must be 32 bytes (Keystore.auditSealKey)");
  const sealKey = Uint8Array.from(options.auditSealKey);
  const db = openDatabase(options.dbPath);
  sealAuditWith(db, sealKey);
  try {
    // Refused at the start, not at every write: a log whose last entry this key did not seal.
    new AuditAppender(db).assertExtendable();
  } catch (error) {
    db.close();
    sealKey.fill(0);
    throw error;
  }
  // This connection reads (readers, sessions) and writes accounts; readings are written by the
  // group-commit thread's own connection. Acknowledged means durable: commits fsync the WAL.
  db.pragma("synchronous = FULL");
  // Short waits on a busy database (an `evv verify` run holds it).
  db.pragma("busy_timeout = 50");
  db.pragma("cache_size = -65536");

  const limits: ServiceLimits = { ...DEFAULT_LIMITS, ...options.limits };
  let credentials: readonly ServiceCredential[] = options.credentialsPath ? readCredentials(options.credentialsPath) : [];
  const app = Fastify({
    logger: options.logger ?? { level: "info" },
    // One log line per request would cost more than storing the reading; batches, refusals and errors are logged.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: limits.bodyBytes,
    https: options.tls ? { key: options.tls.key, cert: options.tls.cert } : null,
    keepAliveTimeout: 65_000,
    return503OnClosing: true,
  } as FastifyServerOptions) as unknown as FastifyInstance;
  const intake = new GroupCommitIntake(options.dbPath, sealKey, {
    maxWaitMs: options.maxWaitMs,
    onBatch: (size, ms) => {
      if (ms > 100) app.log.warn({ size, ms: Math.round(ms) }, "slow commit");
    },
    onWarning: (message) => app.log.warn(message),
  });
  // Sampled every 10 ms (each sample is the time between two ticks: 10 ms and the lateness; /health
  // subtracts the 10): a long garbage collection or a burst of work shows in /health.
  const eventLoopDelay = monitorEventLoopDelay({ resolution: EVENT_LOOP_SAMPLE_MS });
  eventLoopDelay.enable();
  const context: ServiceContext = {
    db,
    accounts: new IntakeAccounts(db),
    intake,
    signatures: new ReaderSignatures(),
    credentials: () => credentials,
    limits,
    eventLoopDelay,
  };

  await app.register(rateLimit, {
    global: true,
    max: limits.perAddressPerMinute,
    timeWindow: 60_000,
    cache: 100_000,
    keyGenerator: (request) => request.ip,
    errorResponseBuilder: (_request, context) => ({ statusCode: context.statusCode, error: `too many requests: at most ${context.max} a minute; retry after ${context.after}` }),
  });
  app.setErrorHandler((error: Error & { statusCode?: number; code?: string }, request, reply) => {
    if (error instanceof AccountError) return refuse(reply, error.status, error.message);
    if (error.statusCode === 429) return reply.code(429).send({ error: error.message ?? (error as { error?: string }).error });
    if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") return refuse(reply, 413, `request body larger than ${limits.bodyBytes} bytes`);
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) return refuse(reply, error.statusCode, error.message);
    // The storage failing under a route (a dropped PostgreSQL connection, a full disk): the service's state, not the request's; sent again later, it may pass.
    const storage = storageFailure(error);
    request.log.error({ err: error }, "request failed");
    if (storage) return refuse(reply, 503, storage);
    return refuse(reply, 500, "internal error; nothing was stored");
  });
  app.setNotFoundHandler((request, reply) => refuse(reply, 404, `no route ${request.method} ${request.url}`));
  await app.register(healthRoutes, { ctx: context });
  await app.register(accountRoutes, { ctx: context });
  await app.register(readingRoutes, { ctx: context });
  await app.register(adminRoutes, { ctx: context });
  await app.register(webAppRoutes, { ctx: context });
  // Credentials added while the service runs are picked up on SIGHUP (host/cli/serveThread.ts).
  const reloadCredentials = () => {
    if (!options.credentialsPath) return;
    try {
      credentials = readCredentials(options.credentialsPath);
      app.log.info({ credentials: credentials.length }, "credentials reloaded");
    } catch (error) {
      app.log.error({ err: error }, "credentials not reloaded; the old ones stay");
    }
  };

  let closed = false;
  return {
    app,
    db,
    context,
    reloadCredentials,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await intake.drained();
      await intake.close();
      await context.signatures.close();
      eventLoopDelay.disable();
      db.close();
      sealKey.fill(0);
    },
  };
}
