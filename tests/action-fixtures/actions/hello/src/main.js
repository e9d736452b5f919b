const core = require("@actions/core");

try {
  const greeting = `Hello ${core.getInput("who-to-greet", { required: true })}`;
  core.info(greeting);
  core.setOutput("greeting", greeting);
} catch (error) {
  core.setFailed(error.message);
}
