// Per-visit checks: tasks, the authorization that covers it, its location, the local
// dates it spans (split at local midnight, real elapsed minutes across DST), death.
import type { VisitDraft } from "../visitDraft.js";
import type { VerificationContext } from "../verificationContext.js";
import type { LocalCalendar } from "../localCalendar.js";
import { categoryOfTask, type TaskCategory } from "../../domain/taskCategory.js";
import { isCloseRelation } from "../../domain/provider.js";
import type { AuthorizationInfo, ProviderInfo } from "../verificationContext.js";

/** A live-in family or household member paid at the WPC unit rate needs Program Administration's prior approval. */
export function liveInWpcNeedsApproval(authorization: AuthorizationInfo, provider: ProviderInfo | undefined): boolean {
  if (!authorization.liveIn || authorization.serviceProgram !== "WPC" || authorization.procedureCode !== "T1019" || authorization.priorApprovalLiveInWpc) return false;
  const relation = provider?.livesWith.get(authorization.clientNdNumber);
  return relation !== undefined && isCloseRelation(relation);
}

export function establishVisitFacts(visit: VisitDraft, ctx: VerificationContext, calendar: LocalCalendar): void {
  const client = visit.client;
  const tasksText = visit.manualTasksJson ?? visit.checkOut?.tasks ?? visit.checkIn?.tasks ?? null;
  visit.tasks = tasksText ? (JSON.parse(tasksText) as string[]) : [];
  visit.tasksJson = tasksText ?? "[]";
  if (visit.beginMs === null || visit.endMs === null || !client) return;

  const categories = new Set<TaskCategory>();
  for (const task of visit.tasks) {
    const category = categoryOfTask(task);
    if (category === null) {
      visit.reasons.push({ code: "UNKNOWN_TASK", detail: task });
      categories.add("other");
    } else categories.add(category);
  }
  if (visit.tasks.length === 0) {
    visit.reasons.push({ code: "NO_TASKS_RECORDED" });
    categories.add("other");
  }
  visit.categories = [...categories];

  const slices = calendar.splitByLocalDate(client.timeZone, visit.beginMs, visit.endMs);
  visit.days = slices.map((s) => ({ date: s.date, minutes: Math.floor(s.ms / 60_000), paidMinutes: 0, units: 0 }));

  const beginDate = visit.days[0].date;
  const authorizations = ctx.authorizationsFor(visit.clientNdNumber, visit.providerNumber);
  if (authorizations.length === 0) {
    visit.reasons.push({ code: "NO_AUTHORIZATION" });
    return;
  }
  const authorization = authorizations.find((a) => a.periodFrom <= beginDate && beginDate <= a.periodTo);
  if (!authorization) {
    visit.reasons.push({ code: "OUTSIDE_AUTHORIZATION_PERIOD", detail: beginDate });
    return;
  }
  visit.authorization = authorization;
  if (visit.deviceId !== null && ctx.locationOfDevice(visit.deviceId, visit.beginMs) !== authorization.locationId)
    visit.reasons.push({ code: "LOCATION_MISMATCH", detail: `authorization ${authorization.authorizationId} is for ${authorization.locationId}` });
  if (client.dateOfDeath !== null && beginDate > client.dateOfDeath) visit.reasons.push({ code: "SERVICE_AFTER_DEATH", detail: `died ${client.dateOfDeath}` });
  if (liveInWpcNeedsApproval(authorization, ctx.providers.get(visit.providerNumber)))
    visit.reasons.push({ code: "LIVE_IN_WPC_NO_PRIOR_APPROVAL", detail: `authorization ${authorization.authorizationId}` });
  // A visit across midnight may run into a day that cannot be paid (past the authorization's
  // end, or after the date of death) while its first day can: only that day goes unpaid.
  for (const day of visit.days) {
    if (day.date > authorization.periodTo) {
      visit.reasons.push({ code: "DAY_OUTSIDE_AUTHORIZATION_PERIOD", detail: `${day.date}, after ${authorization.periodTo}` });
      day.unpaid = true;
    } else if (client.dateOfDeath !== null && day.date > client.dateOfDeath && beginDate <= client.dateOfDeath) {
      visit.reasons.push({ code: "DAY_AFTER_DEATH", detail: `${day.date}, died ${client.dateOfDeath}` });
      day.unpaid = true;
    }
  }
  for (const day of visit.days) day.paidMinutes = day.unpaid ? 0 : day.minutes;
}
