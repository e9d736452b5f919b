package dev.pipewright.parser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.models.ErrorCode;
import dev.pipewright.parser.matrix.MatrixExpander;
import dev.pipewright.parser.spec.ContainerSpec;
import dev.pipewright.parser.spec.JobSpec;
import dev.pipewright.parser.spec.MatrixSpec;
import dev.pipewright.parser.spec.RunDefaults;
import dev.pipewright.parser.spec.RunsOn;
import dev.pipewright.parser.spec.SourcePos;
import dev.pipewright.parser.spec.StepSpec;
import dev.pipewright.parser.spec.WorkflowSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkflowParserTest {
  /** A workflow using every supported key once; positions below refer to its lines. */
  static final String FULL =
      """
    name: CI
    run-name: Deploy by ${{ github.actor }}
    on:
      push:
        branches: [main, 'release/**']
        paths-ignore: ['docs/**']
      pull_request:
        types: [opened, synchronize]
      workflow_dispatch:
      schedule:
        - cron: '0 3 * * 1'
        - cron: '30 5 * * *'
    env:
      FOO: bar
      NUM: 42
      VERSION: 3.10
      FLAG: true
      EMPTY:
    defaults:
      run:
        shell: bash
        working-directory: src
    concurrency: ci-${{ github.ref }}
    permissions:
      contents: read
      packages: write
    jobs:
      build:
        name: Build
        runs-on: ubuntu-latest
        timeout-minutes: 30
        continue-on-error: false
        env:
          JOB_LEVEL: "1"
        defaults:
          run:
            shell: sh
        outputs:
          digest: ${{ steps.push.outputs.digest }}
        container:
          image: node:20
          credentials:
            username: me
            password: ${{ secrets.PASSWORD }}
          env:
            NODE_ENV: test
          ports: [8080, "9090:9090"]
          volumes: [/data:/data]
          options: --cpus 1
        services:
          postgres:
            image: postgres:16
            ports: ['5432:5432']
          redis: redis:7
        steps:
          - uses: actions/checkout@v4
            with:
              fetch-depth: 0
              lfs: true
          - id: push
            name: Push
            if: ${{ success() }}
            run: |
              echo building
              echo done
            env:
              STEP: x
            shell: bash -e {0}
            working-directory: app
            timeout-minutes: ${{ inputs.timeout }}
            continue-on-error: true
      test:
        needs: build
        if: github.event_name == 'push'
        runs-on: [self-hosted, linux]
        strategy:
          fail-fast: false
          max-parallel: 2
          matrix:
            os: [ubuntu-latest, windows-latest]
            node: [18, 20]
            include:
              - os: ubuntu-latest
                experimental: true
            exclude:
              - os: windows-latest
                node: 18
        environment:
          name: staging
          url: https://staging.example.com
        concurrency:
          group: test-${{ github.ref }}
          cancel-in-progress: true
        permissions: read-all
        steps:
          - run: npm test
      deploy:
        needs: [build, test]
        runs-on:
          group: deployers
          labels: [linux, x64]
        environment: production
        steps:
          - uses: ./.github/actions/deploy
          - uses: docker://alpine:3.20
      call:
        uses: octo/workflows/.github/workflows/release.yml@v1
        with:
          dry-run: true
          retries: 3
        secrets: inherit
      call-local:
        needs: call
        uses: ./.github/workflows/reusable.yml
        secrets:
          token: ${{ secrets.TOKEN }}
    """;

  private final WorkflowParser parser = new WorkflowParser();

  /** The one step of a job whose steps are {@code - <yaml>}. */
  private StepSpec step(String yaml) {
    return parser
        .parse("on: push\njobs:\n  b:\n    runs-on: x\n    steps:\n      - " + yaml + "\n", "s.yml")
        .job("b")
        .steps()
        .getFirst();
  }

  private WorkflowSpec parse(String yaml) {
    return parser.parse(yaml, "ci.yml");
  }

  @Test
  void readsEveryWorkflowAndJobKey() {
    WorkflowSpec spec = parse(FULL);

    assertThat(spec.path()).isEqualTo("ci.yml");
    assertThat(spec.name()).isEqualTo("CI");
    assertThat(spec.runName()).isEqualTo("Deploy by ${{ github.actor }}");
    assertThat(spec.on())
        .containsOnlyKeys("push", "pull_request", "workflow_dispatch", "schedule")
        .containsEntry(
            "push",
            Map.of("branches", List.of("main", "release/**"), "paths-ignore", List.of("docs/**")))
        .containsEntry("pull_request", Map.of("types", List.of("opened", "synchronize")))
        .containsEntry("workflow_dispatch", Map.of())
        .containsEntry("schedule", Map.of("cron", List.of("0 3 * * 1", "30 5 * * *")));
    assertThat(spec.env())
        .containsExactly(
            Map.entry("FOO", "bar"),
            Map.entry("NUM", "42"),
            Map.entry("VERSION", "3.1"),
            Map.entry("FLAG", "true"),
            Map.entry("EMPTY", ""));
    assertThat(spec.defaults()).isEqualTo(new RunDefaults("bash", "src"));
    assertThat(spec.concurrency().group()).isEqualTo("ci-${{ github.ref }}");
    assertThat(spec.concurrency().cancelInProgress()).isNull();
    assertThat(spec.permissions()).isEqualTo(Map.of("contents", "read", "packages", "write"));
    assertThat(spec.jobs().keySet())
        .containsExactly("build", "test", "deploy", "call", "call-local");

    JobSpec build = spec.job("build");
    assertThat(build.displayName()).isEqualTo("Build");
    assertThat(build.needs()).isEmpty();
    assertThat(build.runsOn()).isEqualTo(new RunsOn(List.of("ubuntu-latest"), null, null));
    assertThat(build.timeoutMinutes()).isEqualTo("30");
    assertThat(build.continueOnError()).isEqualTo("false");
    assertThat(build.env()).isEqualTo(Map.of("JOB_LEVEL", "1"));
    assertThat(build.defaults()).isEqualTo(new RunDefaults("sh", null));
    assertThat(build.outputs()).isEqualTo(Map.of("digest", "${{ steps.push.outputs.digest }}"));
    assertThat(build.container())
        .isEqualTo(
            new ContainerSpec(
                "node:20",
                Map.of("username", "me", "password", "${{ secrets.PASSWORD }}"),
                Map.of("NODE_ENV", "test"),
                List.of("8080", "9090:9090"),
                List.of("/data:/data"),
                "--cpus 1"));
    assertThat(build.services().keySet()).containsExactly("postgres", "redis");
    assertThat(build.services().get("postgres").ports()).containsExactly("5432:5432");
    assertThat(build.services().get("redis").image()).isEqualTo("redis:7");
    assertThat(build.pos()).isEqualTo(new SourcePos("ci.yml", 28, 3));

    assertThat(build.steps()).hasSize(2);
    StepSpec checkout = build.steps().get(0);
    assertThat(checkout.index()).isZero();
    assertThat(checkout.uses()).isEqualTo("actions/checkout@v4");
    assertThat(checkout.with())
        .containsExactly(Map.entry("fetch-depth", "0"), Map.entry("lfs", "true"));
    // actions/runner ActionRunner.GenerateDisplayName: "Run" and the reference.
    assertThat(checkout.displayName()).isEqualTo("Run actions/checkout@v4");
    assertThat(step("uses: docker://alpine:3.20").displayName()).isEqualTo("Run alpine:3.20");
    assertThat(step("uses: ./.github/actions/setup").displayName())
        .isEqualTo("Run ./.github/actions/setup");
    assertThat(checkout.pos()).isEqualTo(new SourcePos("ci.yml", 56, 9));
    StepSpec push = build.steps().get(1);
    assertThat(push.index()).isEqualTo(1);
    assertThat(push.id()).isEqualTo("push");
    assertThat(push.name()).isEqualTo("Push");
    assertThat(push.ifCondition()).isEqualTo("success()");
    assertThat(push.run()).isEqualTo("echo building\necho done\n");
    assertThat(push.env()).isEqualTo(Map.of("STEP", "x"));
    assertThat(push.shell()).isEqualTo("bash -e {0}");
    assertThat(push.workingDirectory()).isEqualTo("app");
    assertThat(push.timeoutMinutes()).isEqualTo("${{ inputs.timeout }}");
    assertThat(push.continueOnError()).isEqualTo("true");

    JobSpec test = spec.job("test");
    assertThat(test.needs()).containsExactly("build");
    assertThat(test.ifCondition()).isEqualTo("github.event_name == 'push'");
    assertThat(test.runsOn().labels()).containsExactly("self-hosted", "linux");
    assertThat(test.strategy().failFast()).isFalse();
    assertThat(test.strategy().maxParallel()).isEqualTo(2);
    MatrixSpec matrix = test.strategy().matrix();
    assertThat(matrix.dynamic()).isFalse();
    assertThat(matrix.axes())
        .containsExactly(
            Map.entry("os", List.of("ubuntu-latest", "windows-latest")),
            Map.entry("node", List.of(18L, 20L)));
    assertThat(matrix.include())
        .containsExactly(Map.of("os", "ubuntu-latest", "experimental", true));
    assertThat(matrix.exclude()).containsExactly(Map.of("os", "windows-latest", "node", 18L));
    assertThat(test.environment()).isEqualTo("staging");
    assertThat(test.concurrency().group()).isEqualTo("test-${{ github.ref }}");
    assertThat(test.concurrency().cancelInProgress()).isEqualTo("true");
    assertThat(test.permissions()).isEqualTo("read-all");
    assertThat(test.steps().get(0).displayName()).isEqualTo("Run npm test");

    JobSpec deploy = spec.job("deploy");
    assertThat(deploy.needs()).containsExactly("build", "test");
    assertThat(deploy.runsOn()).isEqualTo(new RunsOn(List.of("linux", "x64"), "deployers", null));
    assertThat(deploy.environment()).isEqualTo("production");
    assertThat(deploy.steps())
        .extracting(StepSpec::uses)
        .containsExactly("./.github/actions/deploy", "docker://alpine:3.20");

    JobSpec call = spec.job("call");
    assertThat(call.uses()).isEqualTo("octo/workflows/.github/workflows/release.yml@v1");
    assertThat(call.with()).isEqualTo(Map.of("dry-run", true, "retries", 3L));
    assertThat(call.secrets()).isEqualTo("inherit");
    assertThat(call.runsOn()).isNull();
    assertThat(call.steps()).isEmpty();
    assertThat(spec.job("call-local").secrets()).isEqualTo(Map.of("token", "${{ secrets.TOKEN }}"));
  }

  @Test
  void anchorsAndMergeKeysShareJobSettings() {
    WorkflowSpec spec =
        parse(
            """
            on: push
            jobs:
              base:
                runs-on: &runner ubuntu-22.04
                env: &env
                  CI: true
                  LEVEL: base
                timeout-minutes: &timeout 15
                steps: &steps
                  - uses: actions/checkout@v4
                  - run: make test
              lint:
                <<: &job
                  runs-on: *runner
                  timeout-minutes: *timeout
                  steps: *steps
                env:
                  <<: *env
                  LEVEL: lint
              docs:
                <<: [*job, {runs-on: macos-latest, name: Docs}]
                runs-on: windows-latest
            """);

    JobSpec lint = spec.job("lint");
    assertThat(lint.runsOn().labels()).containsExactly("ubuntu-22.04");
    assertThat(lint.timeoutMinutes()).isEqualTo("15");
    assertThat(lint.steps())
        .extracting(StepSpec::displayName)
        .containsExactly("Run actions/checkout@v4", "Run make test");
    assertThat(lint.env())
        .as("keys written in the mapping come first and win over merged ones")
        .containsExactly(Map.entry("LEVEL", "lint"), Map.entry("CI", "true"));
    JobSpec docs = spec.job("docs");
    assertThat(docs.runsOn().labels())
        .as("explicit key beats merged")
        .containsExactly("windows-latest");
    assertThat(docs.name()).isEqualTo("Docs");
    assertThat(docs.steps()).hasSize(2);
  }

  @Test
  void onIsAKeyUnderYaml12AndEveryOnFormIsNormalised() {
    assertThat(parse(minimal("on: push")).on()).isEqualTo(Map.of("push", Map.of()));
    assertThat(parse(minimal("on: [push, pull_request]")).on())
        .containsExactly(Map.entry("push", Map.of()), Map.entry("pull_request", Map.of()));
    assertThat(parse(minimal("on:\n  workflow_dispatch:\n  push:\n    tags: [v*]")).on())
        .containsExactly(
            Map.entry("workflow_dispatch", Map.of()),
            Map.entry("push", Map.of("tags", List.of("v*"))));
    assertThat(
            parse(
                    minimal(
                        """
                        on:
                          workflow_call:
                            inputs:
                              debug: {type: boolean, default: false}
                        """))
                .on())
        .isEqualTo(
            Map.of(
                "workflow_call",
                Map.of("inputs", Map.of("debug", Map.of("type", "boolean", "default", false)))));
    assertThat(parse(minimal("name: no trigger")).on()).isEmpty();
  }

  @Test
  void yesNoAndOnStayStringsWhileNumbersAndBooleansBecomeText() {
    WorkflowSpec spec =
        parse(
            """
            env:
              ANSWER: yes
              OFF: off
              HEX: 0x1F
              FLOAT: 1.50
              INT_FLOAT: 2.0
              BOOL: True
              QUOTED: "007"
            jobs:
              a:
                runs-on: x
                steps: [{run: echo}]
            """);
    assertThat(spec.env())
        .containsExactly(
            Map.entry("ANSWER", "yes"),
            Map.entry("OFF", "off"),
            Map.entry("HEX", "31"),
            Map.entry("FLOAT", "1.5"),
            Map.entry("INT_FLOAT", "2"),
            Map.entry("BOOL", "true"),
            Map.entry("QUOTED", "007"));
  }

  @Test
  void expressionsStayTextAndMatricesCanBeDynamic() {
    WorkflowSpec spec =
        parse(
            """
            concurrency:
              group: ${{ github.workflow }}
              cancel-in-progress: ${{ github.event_name == 'pull_request' }}
            jobs:
              setup:
                runs-on: ${{ inputs.runner }}
                outputs:
                  matrix: ${{ steps.m.outputs.matrix }}
                steps:
                  - id: m
                    run: echo "matrix=[1,2]" >> "$GITHUB_OUTPUT"
              whole:
                needs: setup
                runs-on: [self-hosted, "${{ matrix.arch }}"]
                strategy:
                  matrix: ${{ fromJSON(needs.setup.outputs.matrix) }}
                continue-on-error: ${{ matrix.experimental }}
                steps: [{run: echo}]
              axis:
                needs: setup
                runs-on: x
                strategy:
                  matrix:
                    os: [linux]
                    version: ${{ fromJSON(needs.setup.outputs.versions) }}
                steps: [{run: echo}]
            """);
    assertThat(spec.concurrency().group()).isEqualTo("${{ github.workflow }}");
    assertThat(spec.concurrency().cancelInProgress())
        .isEqualTo("${{ github.event_name == 'pull_request' }}");
    assertThat(spec.job("setup").runsOn())
        .isEqualTo(new RunsOn(List.of(), null, "${{ inputs.runner }}"));
    assertThat(spec.job("whole").runsOn().labels())
        .containsExactly("self-hosted", "${{ matrix.arch }}");
    MatrixSpec whole = spec.job("whole").strategy().matrix();
    assertThat(whole.dynamic()).isTrue();
    assertThat(whole.expression()).isEqualTo("${{ fromJSON(needs.setup.outputs.matrix) }}");
    assertThat(spec.job("whole").strategy().failFast()).isTrue();
    assertThat(spec.job("whole").continueOnError()).isEqualTo("${{ matrix.experimental }}");
    MatrixSpec axis = spec.job("axis").strategy().matrix();
    assertThat(axis.dynamic()).isTrue();
    assertThat(axis.expression()).isEqualTo("${{ fromJSON(needs.setup.outputs.versions) }}");
    assertThat(axis.axes())
        .containsExactly(
            Map.entry("os", List.of("linux")),
            Map.entry("version", List.of("${{ fromJSON(needs.setup.outputs.versions) }}")));
  }

  @Test
  void conditionsAreStoredWithoutTheirWrapper() {
    WorkflowSpec spec =
        parse(
            """
            jobs:
              a:
                if: ${{ always() }}
                runs-on: x
                steps:
                  - if: true
                    run: echo
                  - if: "${{ github.ref }} == 'x'"
                    run: echo
            """);
    assertThat(spec.job("a").ifCondition()).isEqualTo("always()");
    assertThat(spec.job("a").steps().get(0).ifCondition()).isEqualTo("true");
    assertThat(spec.job("a").steps().get(1).ifCondition()).isEqualTo("${{ github.ref }} == 'x'");
  }

  @Test
  void parsingIsIndependentBetweenCalls() {
    WorkflowSpec first = parser.parse(minimal("name: one"), "one.yml");
    WorkflowSpec second = parser.parse(minimal("name: two"), "two.yml");
    assertThat(first.name()).isEqualTo("one");
    assertThat(first.job("a").pos().file()).isEqualTo("one.yml");
    assertThat(second.job("a").pos().file()).isEqualTo("two.yml");
    assertThatThrownBy(() -> parser.parse("jobs: {}", "bad.yml"))
        .isInstanceOf(WorkflowException.class)
        .hasMessage("bad.yml:1:7: error: 'jobs' must define at least one job")
        .extracting(e -> ((WorkflowException) e).code())
        .isEqualTo(ErrorCode.INVALID_SPEC);
  }

  private static String minimal(String header) {
    return header + "\njobs:\n  a:\n    runs-on: x\n    steps: [{run: echo}]\n";
  }

  /** The build job of spring-boot's ci.yml, from libs/dag's corpus, cut to its matrix. */
  @Test
  void springBootsPartialObjectExcludeAndExpressionNameExpandLikeOnGitHub() {
    String yaml =
        """
        on: push
        jobs:
          build:
            name: '${{ matrix.os.name}} | Java ${{ matrix.java.version}}'
            runs-on: ${{ matrix.os.id }}
            strategy:
              fail-fast: false
              matrix:
                os:
                  - id: ${{ vars.UBUNTU_MEDIUM || 'ubuntu-latest' }}
                    name: Linux
                  - id: windows-latest
                    name: Windows
                java:
                  - version: 17
                    toolchain: true
                  - version: 21
                    toolchain: true
                  - version: 22
                    toolchain: true
                  - version: 23
                    toolchain: false
                exclude:
                  - os:
                      name: Linux
                    java:
                      version: 23
                  - os:
                      name: ${{ github.repository == 'spring-projects/spring-boot-commercial' && 'Windows' }}
            steps:
              - run: ./gradlew build
        """;
    JobSpec build = parser.parse(yaml, "ci.yml").jobs().get("build");

    assertThat(MatrixExpander.expand(build.strategy().matrix()))
        .extracting(combo -> MatrixExpander.instanceName(build.displayName(), combo))
        .containsExactly(
            "Linux | Java 17",
            "Linux | Java 21",
            "Linux | Java 22",
            "Windows | Java 17",
            "Windows | Java 21",
            "Windows | Java 22",
            "Windows | Java 23");
  }
}
