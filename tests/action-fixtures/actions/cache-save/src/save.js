// actions/cache/save@v4 (src/saveImpl.ts saveOnlyRun, utils/actionUtils.ts) on the real
// @actions/cache 4.x: saves the paths under key in the repository's scope for the ref. As there, a
// cache that cannot be saved (the key exists, the service refuses) is a warning, not a failure.
const core = require("@actions/core");
const cache = require("@actions/cache");
const { inputAsArray, cacheUsable } = require("../../../shared/cache-utils.js");

async function run() {
  if (!cacheUsable()) {
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
