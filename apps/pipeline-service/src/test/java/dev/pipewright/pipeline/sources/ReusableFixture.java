package dev.pipewright.pipeline.sources;

import dev.pipewright.actions.GitRepositoryFiles;
import dev.pipewright.executor.GitRepos;
import dev.pipewright.executor.RepositoryRef;
import dev.pipewright.pipeline.orchestrator.WorkflowSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The reusable workflow of the tests, committed to a repository made in the test: typed inputs, a
 * required secret and an output, called under a matrix by {@link #CALLER}, whose last job reads the
 * call's output. Its expected log lines are {@link #EXPECTED}.
 */
public final class ReusableFixture {
  public static final String CALLED_PATH = ".github/workflows/build.yml";

  public static final String CALLED =
      """
      on:
        workflow_call:
          inputs:
            target:
              type: string
              required: true
            level:
              type: number
              default: 2
          secrets:
            token:
              required: true
          outputs:
            artifact:
              value: ${{ jobs.build.outputs.file }}
      jobs:
        build:
          runs-on: local
          outputs:
            file: ${{ steps.b.outputs.file }}
          steps:
            - id: b
              run: |
                echo "building ${{ inputs.target }} at level ${{ inputs.level }} with ${{ secrets.token }}"
                echo "file=${{ inputs.target }}.tar" >> "$GITHUB_OUTPUT"
        check:
          needs: build
          runs-on: local
          steps:
            - run: echo "checking ${{ needs.build.outputs.file }}"
      """;

  public static final String CALLER =
      """
      on: push
      jobs:
        call:
          strategy:
            matrix:
              target: [linux, mac]
          uses: ./.github/workflows/build.yml
          with:
            target: ${{ matrix.target }}
          secrets:
            token: ${{ secrets.DEPLOY }}
        after:
          needs: call
          runs-on: local
          steps:
            - run: echo "got ${{ needs.call.outputs.artifact }} (${{ needs.call.result }})"
      """;

  /** The secret the caller passes on as {@code token}. */
  public static final Map<String, String> SECRETS = Map.of("DEPLOY", "s3cr3t-value");

  /** Lines the build's log holds (the secret masked). */
  public static final String[] EXPECTED = {
    "building linux at level 2 with ***",
    "building mac at level 2 with ***",
    "checking linux.tar",
    "checking mac.tar",
    "got mac.tar (success)"
  };

  /** Job keys of the build, in plan order. */
  public static final String[] KEYS = {
    "call.1", "call.2", "call.1.build", "call.1.check", "call.2.build", "call.2.check", "after"
  };

  private ReusableFixture() {}

  /**
   * A repository {@code <root>/octo/app} holding {@code files}, as a build's {@link RepositoryRef}
   * at its commit.
   */
  public static RepositoryRef repository(Path root, Map<String, String> files) throws Exception {
    Path dir = root.resolve("octo/app");
    Files.createDirectories(dir);
    if (!Files.exists(dir.resolve(".git"))) {
      GitRepos.repository(dir, "app\n");
    }
    String sha = commit(dir, files, "v1");
    return new RepositoryRef(dir.toString(), "octo/app", "refs/heads/main", sha);
  }

  /** Commits {@code files} (path → text) to the repository {@code dir}, tagged; its SHA. */
  public static String commit(Path dir, Map<String, String> files, String tag) throws Exception {
    for (var f : files.entrySet()) {
      Path file = dir.resolve(f.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, f.getValue());
    }
    GitRepos.git(dir, "add", "-A");
    GitRepos.git(dir, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-q", "-m", tag);
    GitRepos.git(dir, "tag", "-f", tag);
    return GitRepos.git(dir, "rev-parse", "HEAD");
  }

  /** Called workflows from git, with {@code <root>} as the actions source and a cache in it. */
  public static WorkflowSources sources(Path root) {
    return new RepositoryWorkflowSources(
        new GitRepositoryFiles(root.resolve("cache"), Duration.ofMinutes(1)),
        root.toUri().toString(),
        null);
  }
}
