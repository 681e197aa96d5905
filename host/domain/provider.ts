// A qualified service provider (QSP): an individual or an agency; live-in arrangements name
// the client and the relation (family and household members have a close personal relationship,
// a hired live-in caregiver does not: policy 525-05-45-50).
import { z } from "zod";
import { ndNumber, providerNumber } from "./identifiers.js";

export const liveInRelation = z.enum(["family", "household-member", "hired"]);
export type LiveInRelation = z.infer<typeof liveInRelation>;

export const liveInArrangement = z.object({
  clientNdNumber: ndNumber,
  relation: liveInRelation,
});

export const provider = z.object({
  providerNumber: providerNumber,
  name: z.string().min(1, "must not be empty"),
  kind: z.enum(["individual", "agency"]),
  livesWith: z.array(liveInArrangement).default([]),
});
export type Provider = z.infer<typeof provider>;

export const providerFile = z.array(provider).min(1, "must hold at least one provider");

/** True when the relation is a close personal relationship (the 10-hour live-in cap applies). */
export function isCloseRelation(relation: LiveInRelation): boolean {
  return relation === "family" || relation === "household-member";
}
