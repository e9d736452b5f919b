// actions/cache/restore@v4 (src/restoreImpl.ts with the restore-only state provider, utils/
// actionUtils.ts) on the real @actions/cache 4.x: restores the first cache of key, then of each
// restore-keys prefix, in the repository's scopes; a miss is not a failure unless
// fail-on-cache-miss. Outputs cache-hit, cache-primary-key and cache-matched-key.
const core = require("@actions/core");
const cache = require("@actions/cache");
const { inputAsArray, cacheUsable } = require("../../../shared/cache-utils.js");

// actionUtils.ts getInputAsBool and isExactKeyMatch.
function inputAsBool(name) {
  return core.getInput(name).toUpperCase() === "TRUE";
}

function isExactKeyMatch(key, cacheKey) {
  return !!(cacheKey && cacheKey.localeCompare(key, undefined, { sensitivity: "accent" }) === 0);
}

async function run() {
  if (!cacheUsable()) {
    core.setOutput("cache-hit", "false");
    return;
  }
  const primaryKey = core.getInput("key", { required: true });
  core.setOutput("cache-primary-key", primaryKey);
  const restoreKeys = inputAsArray("restore-keys");
  const cachePaths = inputAsArray("path", { required: true });
  const failOnCacheMiss = inputAsBool("fail-on-cache-miss");
  const lookupOnly = inputAsBool("lookup-only");
  const cacheKey = await cache.restoreCache(cachePaths, primaryKey, restoreKeys, { lookupOnly }, inputAsBool("enableCrossOsArchive"));
  if (!cacheKey) {
    core.setOutput("cache-hit", "false");
    if (failOnCacheMiss) {
      throw new Error(`Failed to restore cache entry. Exiting as fail-on-cache-miss is set. Input key: ${primaryKey}`);
    }
    core.info(`Cache not found for input keys: ${[primaryKey, ...restoreKeys].join(", ")}`);
    return;
  }
  core.setOutput("cache-matched-key", cacheKey);
  core.setOutput("cache-hit", isExactKeyMatch(primaryKey, cacheKey).toString());
  core.info(lookupOnly ? `Cache found and can be restored from key: ${cacheKey}` : `Cache restored from key: ${cacheKey}`);
}

run().catch((error) => core.setFailed(error.message));
