// Drives the real @actions/cache 4.x against Pipewright's cache service, as actions/cache@v4
// does. Reads ACTIONS_RUNTIME_TOKEN, ACTIONS_RESULTS_URL and ACTIONS_CACHE_SERVICE_V2 like the
// action; prints its result as the last line, "RESULT <json>".
//   node client.js save KEY PATH...                      -> {"cacheId": n} (-1: not saved)
//   node client.js restore KEY [RESTORE_KEY...] -- PATH... -> {"matchedKey": k} (absent: a miss)
const cache = require('@actions/cache');

async function main(argv) {
  const [command, ...args] = argv;
  switch (command) {
    case 'save': {
      const [key, ...paths] = args;
      // CACHE_CHUNK_SIZE: the legacy API's chunk size (UploadOptions.uploadChunkSize; v2 sets its
      // own), so that a small cache is uploaded in several parallel chunks.
      const chunk = process.env.CACHE_CHUNK_SIZE;
      const options = chunk ? { uploadChunkSize: Number(chunk) } : undefined;
      return { cacheId: await cache.saveCache(paths, key, options) };
    }
    case 'restore': {
      const split = args.indexOf('--');
      const [key, ...restoreKeys] = args.slice(0, split);
      const paths = args.slice(split + 1);
      return { matchedKey: await cache.restoreCache(paths, key, restoreKeys) };
    }
    default:
      throw new Error('unknown command ' + command);
  }
}

require('../node/report.js')(main);
