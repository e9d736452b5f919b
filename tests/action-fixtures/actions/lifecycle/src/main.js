const core = require("@actions/core");
const exec = require("@actions/exec");
const io = require("@actions/io");
const path = require("node:path");

async function run() {
  const who = core.getInput("who-to-greet", { required: true });
  core.info(`state from pre: ${core.getState("from-pre") || "(none)"}`);
  core.info(`INPUT_WHO-TO-GREET=${process.env["INPUT_WHO-TO-GREET"]}`);
  core.info(`action path holds dist: ${path.basename(path.dirname(__filename))}`);
  core.info(`GITHUB_ACTION_PATH ends with the script's: ${path.dirname(__filename).startsWith(process.env.GITHUB_ACTION_PATH)}`);
  const sh = await io.which("sh", true);
  let out = "";
  await exec.exec(sh, ["-c", "echo exec ran in $(basename \"$PWD\")"], {
    listeners: { stdout: (data) => (out += data.toString()) },
  });
  core.info(`captured: ${out.trim()}`);
  core.startGroup("a group from node");
  core.info("inside the group");
  core.endGroup();
  core.warning("a warning from node", { file: "src/app.js", startLine: 7 });
  core.setSecret("node-secret-value");
  core.info("the secret is node-secret-value");
  core.exportVariable("FROM_NODE", "exported by main");
  core.addPath("/opt/from-node/bin");
  core.saveState("from-main", `main greeted ${who}`);
  core.setOutput("greeting", `Hello ${who}`);
  await core.summary.addHeading("Lifecycle", 3).write();
  if (core.getInput("fail main") === "true") {
    core.setFailed("main failed on purpose");
  }
}

run().catch((error) => core.setFailed(error.message));
