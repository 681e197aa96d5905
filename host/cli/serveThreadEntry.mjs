// The `evv serve` thread's entry (serveThreadRunner.ts): the host runs TypeScript through tsx's
// loader (as bin/evv.js does), so the thread registers it before loading serveThread.ts.
import { register } from "tsx/esm/api";

register();
await import("./serveThread.ts");
