// The version of the verifier's rules as stored with each run. Change it in any commit that
// changes what a run decides for the same inputs (a rule, a reason, how units are counted): the
// first run after an upgrade that changed it is then a full run (runPlan.ts), as an incremental
// run would mix visits decided under the old rules with visits decided under the new ones.
export const VERIFIER_RULES_VERSION = "2026-12-01";
