// What a caregiver does on a shared computer in the web app, as the end-to-end tests do it:
// set the password with the one-time password code, then sign in (from the start screen).
import { expect } from "vitest";
import type { Page } from "playwright-core";

export const SHARED_PASSWORD = "correct horse battery";

/** From the start screen: "A shared computer: sign in", "First time: ...", the code and the password. */
export async function setPassword(page: Page, passwordCode: string): Promise<void> {
  await page.getByRole("button", { name: "A shared computer: sign in" }).click();
  await page.getByRole("button", { name: "First time: set a password with a code" }).click();
  await page.getByLabel("Password code from your agency or HHS").fill(passwordCode);
  await page.getByLabel("New password").fill(SHARED_PASSWORD);
  await page.getByRole("button", { name: "Set password" }).click();
  await expect.poll(() => page.getByRole("status").textContent()).toBe("Password set. Sign in with it now.");
}

/** Signs in (from the start screen or the sign-in screen) with the password setPassword set. */
export async function signIn(page: Page, providerNumber: string, caregiverId: string): Promise<void> {
  const start = page.getByRole("button", { name: "A shared computer: sign in" });
  if (await start.isVisible()) await start.click();
  await page.getByLabel("Provider number").fill(providerNumber);
  await page.getByLabel("Caregiver ID").fill(caregiverId);
  await page.getByLabel("Password", { exact: true }).fill(SHARED_PASSWORD);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
}
