// GET /health: the service is up and its database answers; how many readings wait for a commit.
import type { FastifyInstance } from "fastify";
import type { ServiceContext } from "../serviceContext.js";

export async function healthRoutes(app: FastifyInstance, { ctx }: { ctx: ServiceContext }): Promise<void> {
  const ping = ctx.db.prepare("SELECT 1").pluck();
  app.get("/health", { config: { rateLimit: false } }, async (_request, reply) => {
    try {
      ping.get();
    } catch (error) {
      return reply.code(503).send({ status: "unavailable", database: (error as Error).message });
    }
    return { status: "ok", database: "ok", waiting: ctx.intake.waiting, batches: ctx.intake.batches, committed: ctx.intake.committed };
  });
}
