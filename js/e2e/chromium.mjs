// Headless Debian Chromium for the browser tests (Playwright cannot download browsers here),
// started with the flags this machine's closed network needs. Screenshots go to test-artifacts/.
import { existsSync, mkdirSync } from "node:fs";

const CHROMIUM = "/usr/bin/chromium";
export const ARTIFACTS = new URL("../../test-artifacts/", import.meta.url).pathname;

/** A reason to skip when Chromium is missing outside CI (in CI a missing browser must fail). */
export const skipWithoutChromium = !existsSync(CHROMIUM) && !process.env.CI ? `no ${CHROMIUM} (apt-get install chromium)` : false;

/** Launches headless Chromium and makes sure the artifacts folder exists. */
export async function launchChromium() {
  const { chromium } = await import("playwright-core");
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}
