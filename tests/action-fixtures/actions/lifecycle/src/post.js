const core = require("@actions/core");

// The post stage: reads what pre and main saved, and the inputs again.
core.info(`post sees pre: ${core.getState("from-pre")}`);
core.info(`post sees main: ${core.getState("from-main") || "(none)"}`);
core.info(`post for ${core.getInput("who-to-greet")}`);
