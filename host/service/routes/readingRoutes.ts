// Reading submission. POST /v1/readings: a reading signed by an enrolled reader (see
// host/capture/signedSubmission.ts). POST /v1/session/readings: a reading from a caregiver signed
// in on a shared computer (Bearer session token). Both answer only after the reading is durable:
// 201 stored, 200 stored before (the same submission again: idempotent by reading ID), 409 the
// ID was used by another submission. Refused: 400 (fields named), 401 unknown reader or bad
// signature or no session, 403 revoked reader or a reading of another caregiver, 429, 503.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type {} from "@fastify/rate-limit";
import { z } from "zod";
import { signedSubmission } from "../../capture/signedSubmission.js";
import { reading as readingSchema, type Reading } from "../../capture/reading.js";
import type { ReaderRow } from "../intakeAccounts.js";
import { IntakeUnavailableError, type IntakeJob } from "../groupCommit.js";
import { bearerToken, type ServiceContext } from "../serviceContext.js";
import { parseBody, refuse } from "../requestBody.js";

const sessionSubmission = z.object({ reading: readingSchema });

/** The caregiver a reading names, once the reading schema carries caregiverId (issue 10); null before. */
function caregiverOfReading(r: Reading): string | null {
  const value = (r as { caregiverId?: unknown }).caregiverId;
  return typeof value === "string" ? value : null;
}

export async function readingRoutes(app: FastifyInstance, { ctx }: { ctx: ServiceContext }): Promise<void> {
  const readerRow = ctx.db.prepare("SELECT reader_id, provider_number, caregiver_id, public_key, revoked_ms FROM readers WHERE reader_id = ?");
  // The per-address limit runs on every route (intakeService.ts); this one counts per reader (or session) on top of it.
  const readerLimit = app.createRateLimit({
    max: ctx.limits.perReaderPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => {
      const body = request.body as { reader?: unknown } | null;
      return typeof body?.reader === "string" ? `reader:${body.reader}` : `session:${bearerToken(request) ?? request.ip}`;
    },
  });
  const perReader = async (request: FastifyRequest, reply: FastifyReply) => {
    const limit = await readerLimit(request);
    if (!limit.isAllowed && limit.isExceeded) return refuse(reply.header("retry-after", String(limit.ttlInSeconds)), 429, `too many readings: at most ${limit.max} a minute from one reader; retry in ${limit.ttlInSeconds} s`);
  };

  const answer = async (reply: FastifyReply, job: IntakeJob) => {
    try {
      const outcome = await ctx.intake.submit(job);
      if (outcome.conflict) return refuse(reply, 409, `reading.readingId: ${job.reading.readingId} was submitted before by another reader, counter or session`);
      return reply.code(outcome.stored ? 201 : 200).send({ readingId: job.reading.readingId, stored: outcome.stored, receivedAt: outcome.receivedAt, receivedSeq: outcome.receivedSeq, counterBack: outcome.counterBack });
    } catch (error) {
      if (error instanceof IntakeUnavailableError) return refuse(reply, 503, error.message);
      throw error;
    }
  };

  app.post("/v1/readings", { bodyLimit: ctx.limits.bodyBytes, preHandler: perReader }, async (request, reply) => {
    const receivedMs = Date.now();
    const submission = parseBody(signedSubmission, request.body, reply);
    if (!submission) return reply;
    const reader = readerRow.get(submission.reader) as Pick<ReaderRow, "reader_id" | "provider_number" | "caregiver_id" | "public_key" | "revoked_ms"> | undefined;
    if (!reader) return refuse(reply, 401, `reader: ${submission.reader} is not an enrolled reader`);
    if (reader.revoked_ms !== null && reader.revoked_ms <= receivedMs) return refuse(reply, 403, `reader: ${submission.reader} was revoked; enroll again with a new code`);
    if (!(await ctx.signatures.verifies(reader.reader_id, reader.public_key, request.body as { reader: unknown; counter: unknown; reading: unknown }, submission.signature)))
      return refuse(reply, 401, "signature: does not verify with the reader's enrolled key");
    const r = submission.reading;
    if (r.readerId !== reader.reader_id) return refuse(reply, 400, `reading.readerId: must be the enrolled reader's ID ${reader.reader_id}`);
    if (r.providerNumber !== reader.provider_number) return refuse(reply, 403, `reading.providerNumber: this reader is enrolled for provider ${reader.provider_number}`);
    const caregiver = caregiverOfReading(r);
    if (caregiver !== null && caregiver !== reader.caregiver_id) return refuse(reply, 403, `reading.caregiverId: this reader is enrolled for caregiver ${reader.caregiver_id}`);
    return answer(reply, { reading: r, receivedMs, source: { signedBy: reader.reader_id, counter: submission.counter, signature: submission.signature, sessionOf: null } });
  });

  app.post("/v1/session/readings", { bodyLimit: ctx.limits.bodyBytes, preHandler: perReader }, async (request, reply) => {
    const receivedMs = Date.now();
    const token = bearerToken(request);
    const caregiver = token ? ctx.accounts.sessionCaregiver(token) : null;
    if (!caregiver) return refuse(reply, 401, "sign in first: no live session (Authorization: Bearer <session token>)");
    const submission = parseBody(sessionSubmission, request.body, reply);
    if (!submission) return reply;
    const r = submission.reading;
    if (r.providerNumber !== caregiver.providerNumber) return refuse(reply, 403, `reading.providerNumber: you are signed in for provider ${caregiver.providerNumber}`);
    const named = caregiverOfReading(r);
    if (named !== null && named !== caregiver.caregiverId) return refuse(reply, 403, `reading.caregiverId: you are signed in as caregiver ${caregiver.caregiverId}`);
    return answer(reply, { reading: r, receivedMs, source: { signedBy: null, counter: null, signature: null, sessionOf: `${caregiver.providerNumber}|${caregiver.caregiverId}` } });
  });
}
