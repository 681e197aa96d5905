// The intake service's routes the app uses (host/service/README.md), each answer in plain words.
// A network failure (offline) is told apart from a refusal: only a refusal is final.
export class Offline extends Error {}

export interface Answer {
  status: number;
  body: { error?: string; [key: string]: unknown };
}

export async function postJson(path: string, body: unknown, token?: string): Promise<Answer> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: "POST",
      headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: typeof body === "string" ? body : JSON.stringify(body),
      cache: "no-store",
    });
  } catch {
    throw new Offline("no connection to the service");
  }
  let parsed: Answer["body"] = {};
  try {
    parsed = (await response.json()) as Answer["body"];
  } catch {
    parsed = {};
  }
  return { status: response.status, body: parsed };
}

/** The service's refusal in plain words. */
export function refusalWords(answer: Answer): string {
  const why = answer.body.error ?? `the service answered ${answer.status}`;
  if (answer.status === 401) return `Not accepted: ${why}.`;
  if (answer.status === 403) return `Not allowed: ${why}.`;
  if (answer.status === 409) return `Refused: ${why}.`;
  if (answer.status === 429) return `Too many tries: ${why}.`;
  return `Refused: ${why}.`;
}

/** A refusal that sending again will not change (the reading stays refused). */
export function isFinalRefusal(status: number): boolean {
  return status >= 400 && status < 500 && status !== 429 && status !== 408;
}
