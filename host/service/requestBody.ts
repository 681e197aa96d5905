// Request bodies are checked with zod; a refusal names every wrong field by its path
// (e.g. "reading.typedCode") in a 400 answer: {"error": "...", "issues": [{"field", "message"}]}.
import type { FastifyReply } from "fastify";
import type { z } from "zod";

export interface FieldIssue {
  field: string;
  message: string;
}

export function fieldIssues(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({ field: issue.path.length > 0 ? issue.path.join(".") : "(body)", message: issue.message }));
}

/** The parsed body, or null after answering 400 with the fields that are wrong. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, reply: FastifyReply): z.infer<S> | null {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issues = fieldIssues(parsed.error);
  void reply.code(400).send({ error: `invalid request: ${issues.map((i) => `${i.field}: ${i.message}`).join("; ")}`, issues });
  return null;
}

/** A JSON error answer. */
export function refuse(reply: FastifyReply, status: number, error: string): FastifyReply {
  return reply.code(status).send({ error });
}
