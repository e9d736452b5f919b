package dev.pipewright.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.capabilities.Finding;
import dev.pipewright.capabilities.Target;
import dev.pipewright.dag.WorkflowSource;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.parser.WorkflowException;
import dev.pipewright.parser.spec.SourcePos;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What {@code pipewright lint} says of the project's corpus of real workflows (libs/dag's {@code
 * corpus/}, sources in its SOURCES.md), file by file, pinned in {@code lint-corpus.txt}: a change
 * to what an executor can run (a new action kind, services) changes these verdicts visibly, never
 * silently. Before issue 14 every file said {@code ok}. Since composite actions run, an action is a
 * warning (it runs if it is a composite or JavaScript action, which only its manifest says), so the
 * files that use only actions and {@code run:} steps are {@code ok} again, with a warning per
 * action.
 */
class LintCorpusTest {
  private static final Path CORPUS = Path.of("../../libs/dag/src/test/resources/corpus");

  /** Called workflows are not in the corpus: a call is refused, never fetched from GitHub. */
  private static final WorkflowSource NO_CALLED_WORKFLOWS =
      ref -> {
        throw new CiException(ErrorCode.NOT_FOUND, "the corpus holds no called workflows");
      };

  static List<Path> corpus() throws IOException {
    try (Stream<Path> files = Files.list(CORPUS)) {
      return files
          .filter(f -> f.toString().endsWith(".yml") || f.toString().endsWith(".yaml"))
          .sorted()
          .toList();
    }
  }

  /** {@code <executor> <file>: ok|refused, N errors, M warnings}, one line per file. */
  static String verdicts(Map<String, Target> targets) throws Exception {
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, Target> target : targets.entrySet()) {
      for (Path file : corpus()) {
        List<Finding> findings;
        try {
          findings = LintCommand.lint(file, target.getValue(), NO_CALLED_WORKFLOWS);
        } catch (WorkflowException e) {
          // A call the corpus cannot resolve: its files are single workflows, without the
          // repositories they call.
          findings =
              e.diagnostics().stream()
                  .map(
                      d ->
                          Finding.error(
                              new SourcePos(d.file(), d.line(), d.column()), d.message(), null))
                  .toList();
        }
        long errors = findings.stream().filter(Finding::isError).count();
        lines.add(
            target.getKey()
                + " "
                + file.getFileName()
                + ": "
                + (errors == 0 ? "ok" : "refused")
                + ", "
                + errors
                + " errors, "
                + (findings.size() - errors)
                + " warnings");
      }
    }
    return lines.stream().collect(Collectors.joining("\n", "", "\n"));
  }

  @Test
  void everyFileKeepsItsPinnedVerdict() throws Exception {
    Map<String, Target> targets = new LinkedHashMap<>();
    targets.put("kubernetes", Target.kubernetes());
    // Deterministic whatever this machine has: a local worker without podman.
    targets.put("local-without-podman", Target.local(false));
    String pinned;
    try (InputStream in =
        Objects.requireNonNull(LintCorpusTest.class.getResourceAsStream("/lint-corpus.txt"))) {
      pinned = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    String actual = verdicts(targets);
    assertThat(corpus()).hasSizeGreaterThanOrEqualTo(30);
    assertThat(actual)
        .as(
            "apps/cli/src/test/resources/lint-corpus.txt is stale; the verdicts now are:\n%s",
            actual)
        .isEqualTo(pinned);
  }

  /** The figure of the issue, through the command itself: files lint accepts on Kubernetes. */
  @Test
  void lintOnKubernetesAcceptsTheFilesPinnedOk() throws Exception {
    List<String> args = new ArrayList<>(List.of("lint", "--executor", "kubernetes"));
    corpus().forEach(f -> args.add(f.toString()));

    CliRun run = CliRun.of(Map.of(), args.toArray(String[]::new));

    assertThat(run.exit()).isEqualTo(ExitCodes.FAILED);
    assertThat(run.err().lines().filter(l -> l.endsWith(": ok")))
        .containsExactly(
            CORPUS.resolve("actions-checkout-check-dist.yml") + ": ok",
            CORPUS.resolve("actions-checkout-codeql-analysis.yml") + ": ok",
            CORPUS.resolve("actions-checkout-licensed.yml") + ": ok",
            CORPUS.resolve("actions-checkout-update-main-version.yml") + ": ok",
            CORPUS.resolve("cli-cli-bump-go.yml") + ": ok",
            CORPUS.resolve("cli-cli-deployment.yml") + ": ok",
            CORPUS.resolve("cli-cli-go.yml") + ": ok",
            CORPUS.resolve("cli-cli-govulncheck.yml") + ": ok",
            CORPUS.resolve("cli-cli-lint.yml") + ": ok",
            CORPUS.resolve("gorm-tests.yml") + ": ok",
            CORPUS.resolve("grpc-java-lock.yml") + ": ok",
            CORPUS.resolve("grpc-java-testing.yml") + ": ok",
            CORPUS.resolve("ingress-nginx-helm.yaml") + ": ok",
            CORPUS.resolve("ingress-nginx-junit-reports.yaml") + ": ok",
            CORPUS.resolve("kube-state-metrics-ci.yml") + ": ok",
            CORPUS.resolve("kube-state-metrics-govulncheck.yml") + ": ok",
            CORPUS.resolve("kube-state-metrics-semantic.yml") + ": ok",
            CORPUS.resolve("minikube-lint.yml") + ": ok",
            CORPUS.resolve("minikube-sbom.yml") + ": ok",
            CORPUS.resolve("minikube-twitter-bot.yml") + ": ok",
            CORPUS.resolve("minikube-update-kubectl-version.yml") + ": ok",
            CORPUS.resolve("psycopg-docs.yml") + ": ok",
            CORPUS.resolve("psycopg-packages-pool.yml") + ": ok",
            CORPUS.resolve("rust-analyzer-metrics.yaml") + ": ok",
            CORPUS.resolve("spring-boot-build-pull-request.yml") + ": ok",
            CORPUS.resolve("spring-boot-ci.yml") + ": ok",
            CORPUS.resolve("spring-boot-verify.yml") + ": ok");
  }
}
