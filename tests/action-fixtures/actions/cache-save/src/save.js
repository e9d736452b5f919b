// actions/cache/save@v4 (src/saveImpl.ts saveOnlyRun, utils/actionUtils.ts) on the real
// @actions/cache 4.x: saves the paths under key in the repository's scope for the ref. As there, a
// cache that cannot be saved (the key exists, the service refuses) is a warning, not a failure.
const core = require("@actions/core");
const cache = require("@actions/cache");

function inputAsArray(name, options) {
  return core
    .getInput(name, options)
    .split("\n")
    .map((s) => s.replace(/^!\s+/, "!").trim())
    .filter((s) => s !== "");
}

async function run() {
  if (!cache.isFeatureAvailable()) {
    core.warning("Cache action is not supported on this runner: no cache service URL (ACTIONS_CACHE_URL / ACTIONS_RESULTS_URL) is set");
    return;
  }
  if (!process.env["GITHUB_REF"]) {
    core.warning(`Event Validation Error: The event type ${process.env["GITHUB_EVENT_NAME"]} is not supported because it's not tied to a branch or tag ref.`);
    return;
  }
  const primaryKey = core.getInput("key", { required: true });
  const cachePaths = inputAsArray("path", { required: true });
  const chunk = core.getInput("upload-chunk-size");
  const uploadChunkSize = chunk ? parseInt(chunk) : undefined;
  if (chunk && isNaN(uploadChunkSize)) {
    throw new Error(`Invalid upload-chunk-size: ${chunk}`);
  }
  try {
    const cacheId = await cache.saveCache(cachePaths, primaryKey, { uploadChunkSize }, core.getInput("enableCrossOsArchive").toUpperCase() === "TRUE");
    if (cacheId !== -1) {
      core.info(`Cache saved with key: ${primaryKey}`);
    }
  } catch (error) {
    core.warning(error.message);
  }
}

run().catch((error) => core.setFailed(error.message));
