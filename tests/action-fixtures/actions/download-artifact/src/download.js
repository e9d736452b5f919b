// actions/download-artifact@v4 (src/download-artifact.ts) for the current build, on the real
// @actions/artifact 2.x: one artifact by name into path, or every artifact of the build (latest of
// each name), each into path/<name> unless there is one or merge-multiple is set; every zip is
// checked against the digest the service lists.
const core = require("@actions/core");
const { DefaultArtifactClient } = require("@actions/artifact");
const os = require("node:os");
const path = require("node:path");
// minimatch as the toolkit locks it (3.x exports the function, later majors an object).
const minimatchModule = require("minimatch");
const minimatch = typeof minimatchModule === "function" ? minimatchModule : minimatchModule.minimatch;

const PARALLEL_DOWNLOADS = 5;

async function run() {
  const name = core.getInput("name");
  const pattern = core.getInput("pattern");
  const mergeMultiple = core.getBooleanInput("merge-multiple");
  let given = core.getInput("path") || process.env["GITHUB_WORKSPACE"] || process.cwd();
  if (given.startsWith("~")) {
    given = given.replace("~", os.homedir());
  }
  const resolvedPath = path.resolve(given);
  core.debug(`Resolved path is ${resolvedPath}`);

  const client = new DefaultArtifactClient();
  const single = !!name;
  let artifacts;
  if (single) {
    core.info(`Downloading single artifact`);
    const { artifact } = await client.getArtifact(name);
    if (!artifact) {
      throw new Error(`Artifact '${name}' not found`);
    }
    core.debug(`Found named artifact '${name}' (ID: ${artifact.id}, Size: ${artifact.size})`);
    artifacts = [artifact];
  } else {
    const listed = await client.listArtifacts({ latest: true });
    artifacts = listed.artifacts;
    core.debug(`Found ${artifacts.length} artifacts in run`);
    if (pattern) {
      core.info(`Filtering artifacts by pattern '${pattern}'`);
      artifacts = artifacts.filter((a) => minimatch(a.name, pattern));
    }
    core.info(`Preparing to download the following artifacts:`);
    for (const a of artifacts) {
      core.info(`- ${a.name} (ID: ${a.id}, Size: ${a.size}, Expected Digest: ${a.digest})`);
    }
  }
  for (let i = 0; i < artifacts.length; i += PARALLEL_DOWNLOADS) {
    await Promise.all(
      artifacts.slice(i, i + PARALLEL_DOWNLOADS).map(async (artifact) => {
        const into = single || mergeMultiple || artifacts.length === 1 ? resolvedPath : path.join(resolvedPath, artifact.name);
        const result = await client.downloadArtifact(artifact.id, { path: into, expectedHash: artifact.digest });
        if (result.digestMismatch) {
          core.warning(`Artifact '${artifact.name}' digest validation failed. Please verify the integrity of the artifact.`);
        }
      }),
    );
  }
  core.info(`Total of ${artifacts.length} artifact(s) downloaded`);
  core.setOutput("download-path", resolvedPath);
  core.info("Download artifact has finished successfully");
}

run().catch((error) => core.setFailed(error.message));
