// Enrollment and sign-in. POST /v1/readers: a reader registers its public key with a one-time
// enrollment code. POST /v1/caregivers/password: a caregiver sets a password with a one-time
// password code. POST /v1/sessions: sign in (shared computer) → a session token; DELETE
// /v1/sessions: sign out. All slowed to a few attempts a minute per address.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { readerPublicKey } from "../../capture/signedSubmission.js";
import { bearerToken, type ServiceContext } from "../serviceContext.js";
import { parseBody, refuse } from "../requestBody.js";

const enrollmentCode = z.string().min(16, "must be the 16-symbol code, e.g. ABCD-EFGH-JKMN-PQRS").max(40);
const enrollReader = z.object({ enrollmentCode, publicKey: readerPublicKey, kind: z.enum(["browser", "cli"]) });
const setPassword = z.object({ enrollmentCode, password: z.string().min(12, "must be at least 12 characters").max(256) });
const signIn = z.object({ providerNumber: z.string().min(1).max(32), caregiverId: z.string().min(1).max(64), password: z.string().min(1).max(256) });

export async function accountRoutes(app: FastifyInstance, { ctx }: { ctx: ServiceContext }): Promise<void> {
  const slow = { config: { rateLimit: { max: ctx.limits.signInPerMinute, timeWindow: 60_000 } }, bodyLimit: 4096 };

  app.post("/v1/readers", slow, async (request, reply) => {
    const body = parseBody(enrollReader, request.body, reply);
    if (!body) return reply;
    const reader = ctx.accounts.enrollReader(body.enrollmentCode, body.publicKey, body.kind);
    request.log.info({ readerId: reader.reader_id, providerNumber: reader.provider_number, caregiverId: reader.caregiver_id, kind: reader.kind }, "reader enrolled");
    return reply.code(201).send({ readerId: reader.reader_id, providerNumber: reader.provider_number, caregiverId: reader.caregiver_id, counter: reader.last_counter });
  });

  app.post("/v1/caregivers/password", slow, async (request, reply) => {
    const body = parseBody(setPassword, request.body, reply);
    if (!body) return reply;
    const caregiver = await ctx.accounts.setPassword(body.enrollmentCode, body.password);
    request.log.info(caregiver, "caregiver password set");
    return reply.code(204).send();
  });

  app.post("/v1/sessions", slow, async (request, reply) => {
    const body = parseBody(signIn, request.body, reply);
    if (!body) return reply;
    const session = await ctx.accounts.signIn({ providerNumber: body.providerNumber, caregiverId: body.caregiverId }, body.password);
    return reply.code(201).send(session);
  });

  app.delete("/v1/sessions", slow, async (request, reply) => {
    const token = bearerToken(request);
    if (!token) return refuse(reply, 401, "no session token (Authorization: Bearer <session token>)");
    ctx.accounts.signOut(token);
    return reply.code(204).send();
  });
}
