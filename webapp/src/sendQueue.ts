// Signed readings wait in IndexedDB until the service has them: each is sent in the order made,
// again whenever the browser comes back online; a refusal that sending again cannot change
// stays with its reason, for the caregiver to see.
import { allQueued, putQueued, type QueuedReading } from "./readerStore.js";
import { isFinalRefusal, Offline, postJson, refusalWords } from "./serviceApi.js";

let sending: Promise<void> | null = null;

function timeOf(iso: unknown): string {
  const d = new Date(typeof iso === "string" ? iso : Date.now());
  return d.toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
}

async function sendWaiting(): Promise<void> {
  const waiting = (await allQueued()).filter((q) => q.state === "waiting").reverse();
  for (const item of waiting) {
    let answer;
    try {
      answer = await postJson("/v1/readings", item.body);
    } catch (error) {
      if (error instanceof Offline) return;
      throw error;
    }
    let next: QueuedReading;
    if (answer.status === 201 || answer.status === 200) next = { ...item, state: "sent", outcome: `Sent; HHS received it ${timeOf(answer.body.receivedAt)}.` };
    else if (isFinalRefusal(answer.status)) next = { ...item, state: "refused", outcome: refusalWords(answer) };
    else return; // busy or rate-limited: stays waiting, sent again later
    await putQueued(next);
  }
}

/** Sends what waits; one pass at a time (a second call waits for the pass under way, then runs). */
export async function sendQueue(): Promise<void> {
  while (sending) await sending;
  sending = sendWaiting().finally(() => (sending = null));
  return sending;
}
