// Launches Debian's Chromium (/usr/bin/chromium) through playwright-core,
// never a downloaded browser, together with a static server for the repo,
// and tears both down. Shared by tests/browser/*.test.mjs and bench/.
import { chromium } from "playwright-core";
import { existsSync } from "node:fs";
import { serveStatic } from "../../scripts/serve.mjs";

export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export const hasChromium = () => existsSync(CHROMIUM);

/**
 * @param {{ viewport?: object, userDataDir?: string }} [options] `userDataDir`:
 *   a persistent profile there (storage on disk, as a user's browser keeps
 *   it) instead of a fresh in-memory context.
 * @returns {Promise<{ browser, context, page, url: string, close(): Promise<void> }>}
 *   `url` is the origin of the static server; `page` starts on a blank page of it.
 */
export async function openChromium({ viewport = { width: 1280, height: 900 }, userDataDir } = {}) {
  const server = await serveStatic();
  let browser;
  try {
    const launch = { executablePath: CHROMIUM, headless: true, args: ARGS };
    let context;
    if (userDataDir) {
      context = browser = await chromium.launchPersistentContext(userDataDir, { ...launch, viewport });
    } else {
      browser = await chromium.launch(launch);
      context = await browser.newContext({ viewport });
    }
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (err) => errors.push(err));
    await page.goto(`${server.url}/tests/browser/fixtures/blank.html`);
    return {
      browser,
      context,
      page,
      url: server.url,
      pageErrors: errors,
      async close() {
        await browser.close().catch(() => {});
        await server.close();
      },
    };
  } catch (err) {
    await browser?.close().catch(() => {});
    await server.close();
    throw err;
  }
}
