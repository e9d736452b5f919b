// actions/upload-artifact@v4 (src/upload/upload-artifact.ts, input-helper.ts, shared/search.ts) on
// the real @actions/artifact 2.x: the files the path patterns match, relative to the patterns'
// least common ancestor, go up as one artifact of the job's build.
const core = require("@actions/core");
// @actions/glob as @actions/cache locks it (0.1.x): the patterns upload-artifact accepts.
const glob = require("@actions/glob");
const { DefaultArtifactClient, ArtifactNotFoundError } = require("@actions/artifact");
const { stat } = require("node:fs/promises");
const path = require("node:path");

function inputs() {
  const result = {
    name: core.getInput("name"),
    searchPath: core.getInput("path", { required: true }),
    ifNoFilesFound: core.getInput("if-no-files-found"),
    overwrite: core.getBooleanInput("overwrite"),
  };
  if (!["warn", "error", "ignore"].includes(result.ifNoFilesFound)) {
    throw new Error(
      `Unrecognized if-no-files-found input. Provided: ${result.ifNoFilesFound}. Available options: warn, error, ignore`,
    );
  }
  const retentionDays = core.getInput("retention-days");
  if (retentionDays) {
    result.retentionDays = parseInt(retentionDays);
    if (isNaN(result.retentionDays)) {
      throw new Error("Invalid retention-days");
    }
  }
  const level = core.getInput("compression-level");
  if (level) {
    result.compressionLevel = parseInt(level);
    if (isNaN(result.compressionLevel) || result.compressionLevel < 0 || result.compressionLevel > 9) {
      throw new Error("Invalid compression-level. Valid values are 0-9");
    }
  }
  return result;
}

// search.ts getMultiPathLCA: the deepest directory every search path is under.
function commonAncestor(searchPaths) {
  const split = searchPaths.map((p) => path.normalize(p).split(path.sep).filter((c) => c !== ""));
  const common = [];
  for (let i = 0; split.every((s) => i < s.length && s[i] === split[0][i]); i++) {
    common.push(split[0][i]);
  }
  return path.join(path.sep, ...common);
}

async function findFilesToUpload(searchPath) {
  const globber = await glob.create(searchPath, {
    followSymbolicLinks: true,
    implicitDescendants: true,
    omitBrokenSymbolicLinks: true,
  });
  const files = [];
  const seen = new Set();
  for (const found of await globber.glob()) {
    if ((await stat(found)).isDirectory()) {
      continue;
    }
    if (seen.has(found.toLowerCase())) {
      core.info(`Uploads are case insensitive: ${found} was detected that it will be overwritten by another file with the same path`);
      continue;
    }
    seen.add(found.toLowerCase());
    files.push(found);
  }
  const searchPaths = globber.getSearchPaths();
  if (searchPaths.length > 1) {
    return { files, root: commonAncestor(searchPaths) };
  }
  if (files.length === 1 && searchPaths[0] === files[0]) {
    return { files, root: path.dirname(files[0]) };
  }
  return { files, root: searchPaths[0] };
}

async function run() {
  const given = inputs();
  const client = new DefaultArtifactClient();
  const { files, root } = await findFilesToUpload(given.searchPath);
  if (files.length === 0) {
    const message = `No files were found with the provided path: ${given.searchPath}. No artifacts will be uploaded.`;
    if (given.ifNoFilesFound === "error") {
      core.setFailed(message);
    } else if (given.ifNoFilesFound === "warn") {
      core.warning(message);
    } else {
      core.info(message);
    }
    return;
  }
  core.info(`With the provided path, there will be ${files.length} file${files.length > 1 ? "s" : ""} uploaded`);
  if (given.overwrite) {
    try {
      await client.deleteArtifact(given.name);
    } catch (error) {
      if (!(error instanceof ArtifactNotFoundError)) {
        throw error;
      }
    }
  }
  const options = {};
  if (given.retentionDays) {
    options.retentionDays = given.retentionDays;
  }
  if (given.compressionLevel !== undefined) {
    options.compressionLevel = given.compressionLevel;
  }
  const uploaded = await client.uploadArtifact(given.name, files, root, options);
  core.info(`Artifact ${given.name} has been successfully uploaded! Final size is ${uploaded.size} bytes. Artifact ID is ${uploaded.id}`);
  core.setOutput("artifact-id", uploaded.id);
  core.setOutput("artifact-digest", uploaded.digest);
}

run().catch((error) => core.setFailed(error.message));
