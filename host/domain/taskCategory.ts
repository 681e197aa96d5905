// Task categories of a personal-care authorization and the tasks a caregiver records.
import { z } from "zod";

export const taskCategory = z.enum(["adl", "medicationAssistance", "other", "mealPreparation", "laundryShoppingHousekeeping"]);
export type TaskCategory = z.infer<typeof taskCategory>;

/** Categories that may flex within the authorized total (policy: ADL, medication assistance, other). */
export const FLEXIBLE_CATEGORIES: readonly TaskCategory[] = ["adl", "medicationAssistance", "other"];
/** Categories that may never exceed their own authorized units. */
export const CAPPED_CATEGORIES: readonly TaskCategory[] = ["mealPreparation", "laundryShoppingHousekeeping"];

const TASK_CATEGORY_BY_NAME: Record<string, TaskCategory> = {
  bathing: "adl",
  dressing: "adl",
  grooming: "adl",
  toileting: "adl",
  transferring: "adl",
  eating: "adl",
  mobility: "adl",
  continence: "adl",
  adl: "adl",
  medication: "medicationAssistance",
  "medication-assistance": "medicationAssistance",
  medicationassistance: "medicationAssistance",
  "meal-preparation": "mealPreparation",
  meals: "mealPreparation",
  mealpreparation: "mealPreparation",
  laundry: "laundryShoppingHousekeeping",
  shopping: "laundryShoppingHousekeeping",
  housekeeping: "laundryShoppingHousekeeping",
  laundryshoppinghousekeeping: "laundryShoppingHousekeeping",
  other: "other",
};

/** The category of a recorded task; null when the task name is not in the catalog. */
export function categoryOfTask(task: string): TaskCategory | null {
  return TASK_CATEGORY_BY_NAME[task.trim().toLowerCase()] ?? null;
}

/** The task names a caregiver may record, for messages and help. */
export function knownTaskNames(): string[] {
  // The run-together spellings are read for older logs but not offered.
  const runTogether = ["medicationassistance", "mealpreparation", "laundryshoppinghousekeeping"];
  return Object.keys(TASK_CATEGORY_BY_NAME).filter((name) => !runTogether.includes(name));
}
