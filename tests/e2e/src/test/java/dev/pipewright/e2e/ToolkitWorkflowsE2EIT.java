package dev.pipewright.e2e;

import java.nio.file.Path;

/**
 * Issue 15 on the process host through the whole installation (entry API over gRPC and its HTTP
 * side, a worker, PostgreSQL, RabbitMQ): workflows that use {@code actions/upload-artifact@v4},
 * {@code actions/download-artifact@v4} and {@code actions/cache/save|restore@v4} ({@link
 * ToolkitWorkflows}), whose jobs get the runtime token and URLs as actions/runner's JobRunner.cs
 * gives them, run by the engine as node20 actions on the worker's Node.js.
 */
class ToolkitWorkflowsE2EIT extends ToolkitWorkflowsSuite {
  @Override
  protected Installation install(Path offline, Path keyFile) throws Exception {
    return withLocalWorker(installation("toolkit", keyFile), "toolkit-worker", offline);
  }

  @Override
  protected String repository() {
    return "acme/toolkit";
  }
}
