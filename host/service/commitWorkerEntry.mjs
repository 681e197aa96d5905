// The commit thread's entry: the host runs TypeScript through tsx's loader (as bin/evv.js does),
// so the thread registers it before loading commitWorker.ts. A thread that cannot start exits
// with an error, which fails the service's submissions (groupCommit.ts) rather than hanging them.
import { register } from "tsx/esm/api";

register();
await import("./commitWorker.ts");
