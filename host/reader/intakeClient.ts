// Talks to the HHS intake service over HTTPS (undici), trusting an extra CA certificate where
// the service's is self-signed. Network failures are told apart from the service's answers.
// undici is loaded at the first request, not when the `evv` command starts: every command loads
// this module through the CLI's command tree, and only submissions use it.
import { readFileSync } from "node:fs";
import type { Dispatcher } from "undici";

export interface ServiceAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** The service could not be reached (down, offline, TLS failure): try again later. */
export class ServiceUnreachable extends Error {}

export class IntakeClient {
  private readonly agentOptions: { ca?: string; timeoutMs: number };
  private dispatcher: Dispatcher | null = null;

  constructor(
    private readonly service: string,
    caPath?: string,
    timeoutMs = 15_000,
  ) {
    // Read now, so that a CA file that cannot be read is reported before anything is sent.
    this.agentOptions = { ...(caPath ? { ca: readFileSync(caPath, "utf8") } : {}), timeoutMs };
  }

  async post(path: string, body: unknown, bearer?: string): Promise<ServiceAnswer> {
    const { Agent, request } = await import("undici");
    const { ca, timeoutMs } = this.agentOptions;
    this.dispatcher ??= new Agent({ connect: { ...(ca ? { ca } : {}), timeout: timeoutMs }, headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    let answer;
    try {
      answer = await request(new URL(path, this.service), {
        method: "POST",
        body: JSON.stringify(body),
        headers: { "content-type": "application/json", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
        dispatcher: this.dispatcher,
      });
    } catch (error) {
      throw new ServiceUnreachable(`${this.service}: ${(error as Error).message}`);
    }
    const text = await answer.body.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = { error: text.slice(0, 200) };
    }
    return { status: answer.statusCode, body: parsed };
  }

  async close(): Promise<void> {
    await this.dispatcher?.close();
  }
}
