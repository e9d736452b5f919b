package dev.pipewright.capabilities;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pipewright.parser.WorkflowParser;
import dev.pipewright.parser.spec.ActionRef;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What an action's manifest decides (actions/runner's ActionManifestManager reads {@code
 * runs.using}; GitHub's "Metadata syntax for GitHub Actions" page gives {@code runs.image} as a
 * {@code Dockerfile} path or a {@code docker://} image). Every finding is at the step's {@code
 * uses:} key.
 */
class ActionFindingsTest {
  private static final Target NO_PODMAN = Target.local(false);
  private static final Target PODMAN = Target.local(true);
  private static final Target PODS = Target.kubernetes();

  private static final String COMPOSITE =
      "runs:\n  using: composite\n  steps:\n    - run: echo hi\n      shell: bash\n";
  private static final String NODE20 = "runs:\n  using: node20\n  main: index.js\n";
  private static final String NODE24 = "runs:\n  using: node24\n  main: index.js\n";
  private static final String NODE16 = "runs:\n  using: node16\n  main: index.js\n";
  private static final String DOCKER_IMAGE =
      "runs:\n  using: docker\n  image: docker://alpine:3.20\n";
  private static final String DOCKERFILE = "runs:\n  using: docker\n  image: Dockerfile\n";
  private static final String UNKNOWN = "runs:\n  using: java21\n  main: Main.java\n";

  /** Manifests by reference text; one absent is Missing; every read counted. */
  private static final class Fake implements ActionManifests {
    final Map<String, String> texts;
    final List<String> reads = new ArrayList<>();

    Fake(Map<String, String> texts) {
      this.texts = texts;
    }

    @Override
    public Manifest read(ActionRef ref) {
      reads.add(ref.text());
      String text = texts.get(ref.text());
      return text == null
          ? new Missing("no action.yml at " + ref.text())
          : new Found(text, ref.text() + "/action.yml");
    }
  }

  private static List<String> check(String steps, ActionManifests manifests, Target target) {
    String yaml = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n" + steps;
    return Capabilities.check(new WorkflowParser().parse(yaml, "ci.yml"), target, manifests)
        .stream()
        .map(f -> (f.isError() ? "error " : "warning ") + f.diagnostic().brief())
        .toList();
  }

  @Test
  void compositeAndNodeActionsRunEverywhereEachReferenceReadOnce() {
    Fake manifests =
        new Fake(
            Map.of(
                "./.github/actions/setup", COMPOSITE,
                "acme/js@v1", NODE20,
                "acme/js24@v2", NODE24));
    String steps =
        """
              - uses: ./.github/actions/setup
              - uses: acme/js@v1
              - uses: acme/js24@v2
              - uses: acme/js@v1
        """;
    for (Target target : List.of(NO_PODMAN, PODMAN, PODS)) {
      assertThat(check(steps, manifests, target)).as("%s", target).isEmpty();
    }
    // Once per check: the same workflow checked three times reads each reference three times.
    assertThat(manifests.reads)
        .hasSize(9)
        .containsOnly("./.github/actions/setup", "acme/js@v1", "acme/js24@v2");
  }

  @Test
  void aDockerActionWithAnImageNeedsAContainerEngine() {
    Fake manifests = new Fake(Map.of("acme/lint@v3", DOCKER_IMAGE));
    String steps = "      - name: lint\n        uses: acme/lint@v3\n";
    assertThat(check(steps, manifests, PODS)).isEmpty();
    assertThat(check(steps, manifests, PODMAN)).isEmpty();
    assertThat(check(steps, manifests, NO_PODMAN))
        .containsExactly(
            "error ci.yml:7:9: step 1 of job 'build' uses the action 'acme/lint@v3': it runs a"
                + " container image, but the local workers have no container engine (podman)");
  }

  @Test
  void aDockerfileActionAnUnknownKindAndAMissingManifestAreErrorsAnOldNodeAWarning() {
    Fake manifests =
        new Fake(
            Map.of("acme/built@v1", DOCKERFILE, "acme/odd@v1", UNKNOWN, "acme/old@v1", NODE16));
    String steps =
        """
              - uses: acme/built@v1
              - name: odd
                uses: acme/odd@v1
              - uses: acme/old@v1
              - uses: ./missing
        """;
    for (Target target : List.of(NO_PODMAN, PODMAN, PODS)) {
      assertThat(check(steps, manifests, target))
          .as("%s", target)
          .containsExactly(
              "error ci.yml:6:9: step 1 of job 'build' uses the action 'acme/built@v1': it is a"
                  + " Docker action built from 'Dockerfile', which is refused until an image"
                  + " builder exists",
              "error ci.yml:8:9: step 2 of job 'build' uses the action 'acme/odd@v1': its"
                  + " manifest is invalid: acme/odd@v1/action.yml:2:10: error: unknown"
                  + " 'runs.using' value 'java21'",
              "warning ci.yml:9:9: step 3 of job 'build' uses the action 'acme/old@v1':"
                  + " 'runs.using: node16' actions run on Node 20, as GitHub's runner runs them;"
                  + " one that needs the older Node may fail",
              "error ci.yml:10:9: step 4 of job 'build' uses the local action './missing': no"
                  + " action.yml at ./missing");
    }
  }

  @Test
  void unreadManifestsAreWarningsSayingWhy() {
    ActionManifests none = ActionManifests.unread("no source of remote actions is configured");
    assertThat(check("      - uses: acme/tool@v1\n", none, PODS))
        .containsExactly(
            "warning ci.yml:6:9: step 1 of job 'build' uses the action 'acme/tool@v1': its"
                + " manifest was not read (no source of remote actions is configured), so whether"
                + " this executor can run it is known only when the step runs");
  }

  /** A local action in a directory an earlier checkout fills is read when the job runs. */
  @Test
  void aLocalActionCheckedOutByAnEarlierStepIsAWarning() {
    String steps =
        """
              - uses: actions/checkout@v4
                with: {repository: acme/notify, path: ./notify}
              - uses: ./notify/.github/actions/send
        """;
    assertThat(check(steps, new Fake(Map.of()), PODS))
        .containsExactly(
            "warning ci.yml:8:9: step 2 of job 'build' uses the local action"
                + " './notify/.github/actions/send': its manifest was not read (step 1 checks out"
                + " a repository into 'notify' when the job runs), so whether this executor can"
                + " run it is known only when the step runs");
  }

  /** A composite action's own actions are checked too, reported at the workflow's step. */
  @Test
  void nestedActionsOfACompositeActionAreFollowedAndCyclesEnd() {
    String outer =
        """
        runs:
          using: composite
          steps:
            - uses: acme/built@v1
            - uses: acme/outer@v1
        """;
    Fake manifests = new Fake(Map.of("acme/outer@v1", outer, "acme/built@v1", DOCKERFILE));
    assertThat(check("      - uses: acme/outer@v1\n", manifests, PODS))
        .containsExactly(
            "error ci.yml:6:9: step 1 of job 'build' uses the action 'acme/outer@v1', whose step"
                + " 1 uses the action 'acme/built@v1': it is a Docker action built from"
                + " 'Dockerfile', which is refused until an image builder exists");
  }

  /** The engine reads manifests when steps run, so its own check has no action finding. */
  @Test
  void theEnginesCheckHasNoActionFindings() {
    var spec =
        new WorkflowParser()
            .parse(
                "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - uses: acme/x@v1\n",
                "ci.yml");
    assertThat(Capabilities.forJob(spec, spec.job("a"))).isEmpty();
  }
}
