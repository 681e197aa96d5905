#!/usr/bin/env node
// The `evv-sim` tester's command: a simulated fob running the built firmware bundle.
// Runs the TypeScript CLI through tsx's loader (no separate compile step), like bin/evv.js.
import { register } from "tsx/esm/api";

register();
await import("../simulator/cli/main.ts");
