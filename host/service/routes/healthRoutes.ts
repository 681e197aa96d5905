// GET /health: the service is up and its database answers; how many readings wait for a commit;
// since the service started, how long its commits took and how late its event loop ran
// (milliseconds: p50, p99, max), where a slow answer's time went.
import type { FastifyInstance } from "fastify";
import { EVENT_LOOP_SAMPLE_MS, type ServiceContext } from "../serviceContext.js";

/** A sample of the event-loop histogram (ns between two ticks) as the ms the tick came late. */
const late = (ns: number) => Math.max(0, ns / 1e6 - EVENT_LOOP_SAMPLE_MS);

export async function healthRoutes(app: FastifyInstance, { ctx }: { ctx: ServiceContext }): Promise<void> {
  const ping = ctx.db.prepare("SELECT 1").pluck();
  app.get("/health", { config: { rateLimit: false } }, async (_request, reply) => {
    try {
      ping.get();
    } catch (error) {
      return reply.code(503).send({ status: "unavailable", database: (error as Error).message });
    }
    const commits = ctx.intake.commitMicros;
    const loop = ctx.eventLoopDelay;
    return {
      status: "ok",
      database: "ok",
      waiting: ctx.intake.waiting,
      batches: ctx.intake.batches,
      committed: ctx.intake.committed,
      commitMs: ctx.intake.batches === 0 ? null : { p50: commits.percentile(50) / 1e3, p99: commits.percentile(99) / 1e3, max: commits.max / 1e3 },
      eventLoopDelayMs: { p50: late(loop.percentile(50)), p99: late(loop.percentile(99)), max: late(loop.max) },
    };
  });
}
