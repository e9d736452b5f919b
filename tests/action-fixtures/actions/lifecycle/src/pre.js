const core = require("@actions/core");

// The pre stage: saves state for main and post (GITHUB_STATE), sees the inputs already.
core.info(`pre for ${core.getInput("who-to-greet")}`);
core.saveState("from-pre", "pre was here");
