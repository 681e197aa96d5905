// The caregiver's clients for the web app's picker: POST /v1/caregiver/clients answers the
// clients the caregiver's provider holds an authorization for today, by ND number and name.
// Asked either by a caregiver signed in on a shared computer (Authorization: Bearer <session
// token>, body {}) or by an enrolled reader, which signs canonical JSON of
// {"at", "purpose": "client-list", "reader"} with its key (`at`: its clock, ISO 8601, within five
// minutes of the service's) and sends {"reader", "at", "signature"}. The answer carries the
// task list's names too (host/domain/taskCategory.ts), so the app offers the tasks the verifier knows.
import { createPublicKey, verify } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { canonicalJson } from "../../storage/canonicalJson.js";
import { knownTaskNames } from "../../domain/taskCategory.js";
import { bearerToken, type ServiceContext } from "../serviceContext.js";
import { parseBody, refuse } from "../requestBody.js";

/** How far a reader's clock may be from the service's when it asks for its client list. */
export const CLIENT_LIST_CLOCK_ALLOWANCE_MS = 5 * 60_000;

const readerAsks = z.object({
  reader: z.string().min(1).max(64),
  at: z.string().datetime({ offset: true }),
  signature: z.string().regex(/^[A-Za-z0-9_-]{86}$/, "must be 86 base64url characters (a 64-byte P-256 signature, r || s)"),
});

export async function caregiverClientRoutes(app: FastifyInstance, { ctx }: { ctx: ServiceContext }): Promise<void> {
  const readerRow = ctx.db.prepare("SELECT provider_number, caregiver_id, public_key, revoked_ms FROM readers WHERE reader_id = ?");
  const clientsOf = ctx.db.prepare(
    `SELECT DISTINCT c.nd_number AS ndNumber, c.name AS name FROM authorizations a JOIN clients c ON c.nd_number = a.client_nd_number
     WHERE a.provider_number = ? AND a.period_from <= ? AND a.period_to >= ? AND c.date_of_death IS NULL ORDER BY c.name, c.nd_number`,
  );

  app.post("/v1/caregiver/clients", { bodyLimit: 4096 }, async (request, reply) => {
    let caregiver: { providerNumber: string; caregiverId: string };
    const token = bearerToken(request);
    if (token) {
      const session = ctx.accounts.sessionCaregiver(token);
      if (!session) return refuse(reply, 401, "sign in again: the session has ended");
      caregiver = session;
    } else {
      const body = parseBody(readerAsks, request.body, reply);
      if (!body) return reply;
      const reader = readerRow.get(body.reader) as { provider_number: string; caregiver_id: string; public_key: string; revoked_ms: number | null } | undefined;
      if (!reader) return refuse(reply, 401, `reader: ${body.reader} is not an enrolled reader`);
      if (reader.revoked_ms !== null && reader.revoked_ms <= Date.now()) return refuse(reply, 403, `reader: ${body.reader} was revoked; enroll again with a new code`);
      if (Math.abs(Date.parse(body.at) - Date.now()) > CLIENT_LIST_CLOCK_ALLOWANCE_MS)
        return refuse(reply, 401, "at: this device's clock is more than five minutes from the service's; set the clock and try again");
      const key = createPublicKey({ key: JSON.parse(reader.public_key) as object, format: "jwk" } as Parameters<typeof createPublicKey>[0]);
      const bytes = Buffer.from(canonicalJson({ at: body.at, purpose: "client-list", reader: body.reader }), "utf8");
      if (!verify("sha256", bytes, { key, dsaEncoding: "ieee-p1363" }, Buffer.from(body.signature, "base64url")))
        return refuse(reply, 401, "signature: does not verify with the reader's enrolled key");
      caregiver = { providerNumber: reader.provider_number, caregiverId: reader.caregiver_id };
    }
    const today = new Date().toISOString().slice(0, 10);
    return reply.send({ ...caregiver, clients: clientsOf.all(caregiver.providerNumber, today, today), tasks: knownTaskNames() });
  });
}
