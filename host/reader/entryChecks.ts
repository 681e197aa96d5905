// What `evv read` checks before it touches the fob: the provider and client against the
// roster (when the reader has one) and each task against the task catalog, in plain words.
import { existsSync } from "node:fs";
import { categoryOfTask, knownTaskNames } from "../domain/taskCategory.js";
import { checkAgainstRoster, readRoster, RosterError } from "./roster.js";

export const DEFAULT_ROSTER = "evv-roster.json";

export interface EntryCheck {
  /** Refusals: nothing may be recorded. */
  problems: string[];
  warnings: string[];
  providerName: string | null;
  clientName: string | null;
  /** The tasks as the task list writes them ("Meal preparation" becomes "meal-preparation"). */
  tasks: string[] | undefined;
}

/** A task as typed, in the task list's spelling: lower case, words joined by dashes. */
export function taskListSpelling(task: string): string {
  return task.trim().toLowerCase().replace(/[\s_]+/g, "-");
}

export function checkVisitEntry(entry: { provider: string; client: string; tasks: string[] | undefined; roster: string | undefined }): EntryCheck {
  const problems: string[] = [];
  const warnings: string[] = [];
  let providerName: string | null = null;
  let clientName: string | null = null;
  const tasks = entry.tasks?.map(taskListSpelling);
  const unknownTasks = (entry.tasks ?? []).filter((t) => categoryOfTask(taskListSpelling(t)) === null);
  if (unknownTasks.length > 0)
    problems.push(`--tasks: ${unknownTasks.map((t) => JSON.stringify(t)).join(", ")} ${unknownTasks.length === 1 ? "is not a task" : "are not tasks"} of the task list; use ${knownTaskNames().join(", ")}`);
  const rosterPath = entry.roster ?? (existsSync(DEFAULT_ROSTER) ? DEFAULT_ROSTER : undefined);
  if (rosterPath === undefined) {
    warnings.push(`no roster (${DEFAULT_ROSTER}, or --roster <file> from HHS's evv export roster): the provider and client numbers were not checked`);
  } else {
    try {
      const check = checkAgainstRoster(readRoster(rosterPath), entry.provider, entry.client);
      problems.push(...check.problems);
      warnings.push(...check.warnings);
      providerName = check.providerName;
      clientName = check.clientName;
    } catch (error) {
      if (!(error instanceof RosterError)) throw error;
      problems.push(error.message);
    }
  }
  return { problems, warnings, providerName, clientName, tasks };
}
