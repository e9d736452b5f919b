// What actions/cache's save and restore share (src/utils/actionUtils.ts), for both fixture actions.
const core = require("@actions/core");
const cache = require("@actions/cache");

// getInputAsArray: one entry a line, trimmed, "! pattern" as "!pattern", blank lines dropped.
function inputAsArray(name, options) {
  return core
    .getInput(name, options)
    .split("\n")
    .map((s) => s.replace(/^!\s+/, "!").trim())
    .filter((s) => s !== "");
}

// isCacheFeatureAvailable and isValidEvent: without a cache service or a ref (a cache is scoped
// by it) the action warns and does nothing.
function cacheUsable() {
  if (!cache.isFeatureAvailable()) {
    core.warning("Cache action is not supported on this runner: no cache service URL (ACTIONS_CACHE_URL / ACTIONS_RESULTS_URL) is set");
    return false;
  }
  if (!process.env["GITHUB_REF"]) {
    core.warning(`Event Validation Error: The event type ${process.env["GITHUB_EVENT_NAME"]} is not supported because it's not tied to a branch or tag ref.`);
    return false;
  }
  return true;
}

module.exports = { inputAsArray, cacheUsable };
