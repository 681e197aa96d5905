// Administration with an HHS or QSP credential (Bearer token; host/service/serviceCredentials.ts):
// POST /v1/admin/enrollment-codes issues a caregiver's one-time code; GET /v1/admin/readers
// lists readers; POST /v1/admin/readers/:readerId/revoke revokes one. A QSP credential reaches
// only its own provider's caregivers and readers.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { ReaderRow } from "../intakeAccounts.js";
import { credentialOf, type ServiceCredential } from "../serviceCredentials.js";
import { bearerToken, type ServiceContext } from "../serviceContext.js";
import { parseBody, refuse } from "../requestBody.js";

const issueCode = z.object({
  providerNumber: z.string().min(1).max(32),
  caregiverId: z.string().min(1).max(64),
  purpose: z.enum(["reader", "password"]).default("reader"),
  validHours: z.number().positive().max(24 * 30).default(72),
});
const revoke = z.object({ reason: z.string().min(1).max(500), from: z.string().datetime({ offset: true }).optional() });

function readerView(r: ReaderRow) {
  return {
    readerId: r.reader_id,
    providerNumber: r.provider_number,
    caregiverId: r.caregiver_id,
    kind: r.kind,
    enrolledAt: new Date(r.enrolled_ms).toISOString(),
    lastCounter: r.last_counter,
    revokedAt: r.revoked_ms === null ? null : new Date(r.revoked_ms).toISOString(),
    revokedBy: r.revoked_by,
    revokeReason: r.revoke_reason,
  };
}

export async function adminRoutes(app: FastifyInstance, { ctx }: { ctx: ServiceContext }): Promise<void> {
  const credentialFor = (request: FastifyRequest, reply: FastifyReply): ServiceCredential | null => {
    const token = bearerToken(request);
    const credential = token ? credentialOf(ctx.credentials(), token) : undefined;
    if (!credential) {
      void refuse(reply, 401, "an HHS or QSP credential is needed (Authorization: Bearer <token>)");
      return null;
    }
    return credential;
  };
  const mayReach = (credential: ServiceCredential, providerNumber: string) => credential.providerNumber === undefined || credential.providerNumber === providerNumber;

  app.post("/v1/admin/enrollment-codes", { bodyLimit: 4096 }, async (request, reply) => {
    const credential = credentialFor(request, reply);
    if (!credential) return reply;
    const body = parseBody(issueCode, request.body, reply);
    if (!body) return reply;
    if (!mayReach(credential, body.providerNumber)) return refuse(reply, 403, `providerNumber: ${credential.name} issues codes for provider ${credential.providerNumber} only`);
    const issued = ctx.accounts.issueCode({ providerNumber: body.providerNumber, caregiverId: body.caregiverId }, body.purpose, credential.name, body.validHours);
    request.log.info({ providerNumber: body.providerNumber, caregiverId: body.caregiverId, purpose: body.purpose, by: credential.name }, "enrollment code issued");
    return reply.code(201).send({ ...issued, purpose: body.purpose, providerNumber: body.providerNumber, caregiverId: body.caregiverId });
  });

  app.get("/v1/admin/readers", async (request, reply) => {
    const credential = credentialFor(request, reply);
    if (!credential) return reply;
    const query = request.query as { providerNumber?: string; caregiverId?: string };
    const providerNumber = credential.providerNumber ?? query.providerNumber;
    return { readers: ctx.accounts.readers({ providerNumber, caregiverId: query.caregiverId }).map(readerView) };
  });

  app.post("/v1/admin/readers/:readerId/revoke", { bodyLimit: 4096 }, async (request, reply) => {
    const credential = credentialFor(request, reply);
    if (!credential) return reply;
    const body = parseBody(revoke, request.body, reply);
    if (!body) return reply;
    const { readerId } = request.params as { readerId: string };
    const reader = ctx.accounts.reader(readerId);
    if (!reader || !mayReach(credential, reader.provider_number)) return refuse(reply, 404, `no reader ${readerId}`);
    const revoked = ctx.accounts.revokeReader(readerId, credential.name, body.reason, body.from ? Date.parse(body.from) : undefined);
    request.log.warn({ readerId, by: credential.name, reason: body.reason }, "reader revoked");
    return readerView(revoked);
  });
}
