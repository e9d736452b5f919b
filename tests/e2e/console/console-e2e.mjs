// Drives the web console in Debian's headless Chromium for ConsoleE2EIT: signs in with a token,
// follows the build in the list, checks its DAG and the live job log (ANSI colours, a ::group::
// folded, search, a line link), then cancels the build from its page and re-runs its failed jobs.
// Screenshots go to $SCREENSHOTS. Exits 0 when every check passed, else 1 with the reason on stderr.
import { chromium } from "playwright-core";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};
const base = env("CONSOLE_URL");
const token = env("TOKEN");
const buildId = env("BUILD_ID");
const shots = env("SCREENSHOTS");

// Without these flags Chromium waits on network services a closed machine does not have; a fresh
// profile directory keeps every run alike.
const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "pw-console-chromium-")), {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  viewport: { width: 1280, height: 900 },
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
const page = context.pages()[0] ?? (await context.newPage());
const step = (what) => console.log(`console-e2e: ${what}`);
const check = (condition, message) => {
  if (!condition) throw new Error(message);
};

try {
  step("sign in");
  await page.goto(`${base}/`);
  await page.waitForURL(`${base}/console/`);
  await page.getByLabel("API token").fill("pwt_wrongwrongwr_" + "x".repeat(43));
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("alert").filter({ hasText: "401" }).waitFor();
  await page.getByLabel("API token").fill(token);
  await page.getByRole("button", { name: "Sign in" }).click();

  step("the build in the list");
  const row = page.locator(`tr[data-build="${buildId}"]`);
  await row.waitFor();
  await page.screenshot({ path: join(shots, "1-builds.png"), fullPage: true });

  step("keyboard: the build's link takes focus visibly and opens with Enter");
  const link = row.getByRole("link");
  await link.focus();
  await page.keyboard.press("Shift+Tab");
  await page.keyboard.press("Tab");
  check(await link.evaluate((a) => a === document.activeElement && a.matches(":focus-visible")), "Tab does not reach the link");
  const outline = await link.evaluate((a) => getComputedStyle(a).outlineStyle);
  check(outline !== "none", `a focused link shows no outline (${outline})`);
  await page.keyboard.press("Enter");
  await page.waitForURL(`**/console/builds/${buildId}`);

  step("the DAG: needs edges, matrix instances grouped, live status");
  await page.locator('[data-node="deploy"]').waitFor();
  const levels = await page.evaluate(() =>
    Object.fromEntries([...document.querySelectorAll("[data-node]")].map((n) => [n.dataset.node, parseFloat(n.style.left)])),
  );
  check(levels.setup < levels.test && levels.test < levels.deploy, `levels out of order: ${JSON.stringify(levels)}`);
  check((await page.locator('[data-node="test"] [data-job]').count()) === 2, "the matrix is not grouped in one box");
  check((await page.locator(".dag path.edge").count()) === 2, "expected two needs edges");
  await page.locator('[data-job="test.1"][data-status="running"]').waitFor();
  await page.locator('[data-job="setup"][data-status="succeeded"]').waitFor();
  await page.screenshot({ path: join(shots, "2-dag.png"), fullPage: true });

  step("the job's log arrives live");
  await page.locator('[data-job="test.1"] a').click();
  await page.waitForURL(`**/jobs/test.1`);
  const green = page.locator(".line .ansi-fg-2", { hasText: "green line" });
  await green.waitFor();
  const ticks = page.locator(".line", { hasText: /^\d+tick \d+$/ });
  await ticks.first().waitFor();
  const seen = await ticks.count();
  await page.waitForFunction(
    (n) => [...document.querySelectorAll(".line")].filter((l) => /tick \d+$/.test(l.textContent ?? "")).length > n + 2,
    seen,
  );

  step("a ::group:: is folded and opens");
  const group = page.getByRole("button", { name: "Preparing" });
  check((await group.getAttribute("aria-expanded")) === "false", "the group is not folded");
  check((await page.locator(".line", { hasText: "inside the group" }).count()) === 0, "a folded line shows");
  await group.click();
  await page.locator(".line", { hasText: "inside the group" }).waitFor();

  step("search and a link to a line");
  await page.getByLabel("Search the log").fill("tick 2");
  await page.locator(".line.match").first().waitFor();
  await page.getByLabel("Search the log").fill("");
  await page.locator(".line", { hasText: "green line" }).getByRole("link").click();
  const hash = new URL(page.url()).hash;
  check(/^#L\d+-\d+$/.test(hash), `the line link is ${hash}`);
  await page.locator(`li${hash}.focused`).waitFor();
  await page.reload();
  await page.locator(`li${hash}.focused`, { hasText: "green line" }).waitFor();
  await page.screenshot({ path: join(shots, "3-job-log.png"), fullPage: true });

  step("cancel");
  await page.getByRole("button", { name: "Cancel build" }).click();
  await page.locator(".build-header .badge", { hasText: "cancelled" }).waitFor();
  await page.locator(".meta", { hasText: "End of log." }).waitFor();
  await page.screenshot({ path: join(shots, "4-cancelled.png"), fullPage: true });

  step("the runner's error lines and a step's annotations");
  await page.locator(".line.level-error", { hasText: "Error: " }).first().waitFor();
  await page.goto(`${base}/console/builds/${buildId}/jobs/setup`);
  await page.locator(".annotation.warning", { hasText: "look here" }).waitFor();
  await page.screenshot({ path: join(shots, "5-annotations.png"), fullPage: true });

  step("re-run the failed jobs: the build runs again as attempt 2, then is cancelled again");
  await page.goto(`${base}/console/builds/${buildId}`);
  await page.getByRole("button", { name: "Re-run failed jobs" }).click();
  await page.locator(".build-header .meta", { hasText: "attempt 2" }).waitFor();
  await page.locator('[data-job="test.1"][data-status="running"]').waitFor();
  await page.locator('[data-job="setup"][data-status="succeeded"]').waitFor();
  await page.screenshot({ path: join(shots, "6-rerun.png"), fullPage: true });
  await page.getByRole("button", { name: "Cancel build" }).click();
  await page.locator(".build-header .badge", { hasText: "cancelled" }).waitFor();
  step("passed");
} catch (error) {
  await page.screenshot({ path: join(shots, "failure.png"), fullPage: true }).catch(() => {});
  console.error(`console-e2e failed: ${error.stack ?? error}`);
  process.exitCode = 1;
} finally {
  await context.close();
}
