package dev.pipewright.executor.host.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.executor.host.container.ContainerSupport.Host;
import dev.pipewright.models.CiException;
import dev.pipewright.parser.WorkflowParser;
import dev.pipewright.parser.spec.JobSpec;
import org.junit.jupiter.api.Test;

class ContainerSupportTest {

  private static JobSpec job(String body) {
    String yaml = "on: push\njobs:\n  test:\n    runs-on: x\n" + body.indent(4);
    return new WorkflowParser().parse(yaml, "ci.yml").job("test");
  }

  @Test
  void whatBothHostsRunHasNoProblem() {
    JobSpec j =
        job(
            """
            container:
              image: img
              options: -w /src --entrypoint /bin/sh -e A=1 -h builder
              ports: [8080]
            services:
              db:
                image: pg
                ports: ['5432:5432']
                options: --health-cmd pg_isready --health-retries 5 --user 999:999
              cache-1: {image: redis, ports: [6379]}
            steps: [{run: echo}]
            """);
    assertThat(ContainerSupport.problems(j, Host.CONTAINER)).isEmpty();
    assertThat(ContainerSupport.problems(j, Host.POD)).isEmpty();
  }

  @Test
  void optionsNoHostHonoursAreProblemsOnEveryHostThoughTheWorkflowParses() {
    JobSpec j =
        job(
            """
            container:
              image: img
              options: --dns 127.0.0.1
            steps: [{run: echo}]
            """);
    for (Host host : Host.values()) {
      assertThat(ContainerSupport.problems(j, host))
          .singleElement()
          .asString()
          .startsWith("job 'test': container.options: '--dns' is not supported (options may hold");
    }
  }

  @Test
  void servicesSharingAPortAreRefusedOnEveryHost() {
    JobSpec j =
        job(
            """
            services:
              a: {image: redis, ports: [6379]}
              b: {image: redis, ports: ['16379:6379']}
            steps: [{run: echo}]
            """);
    for (Host host : Host.values()) {
      assertThat(ContainerSupport.problems(j, host))
          .containsExactly(
              "job 'test': services.b.ports: 6379/tcp is also job 'test': services.a's; the job's"
                  + " containers share one network, so each port has one owner");
    }
  }

  @Test
  void thePodHostRefusesVolumesNamedUsersAndLabelsThatAreNoHostNames() {
    JobSpec j =
        job(
            """
            container:
              image: img
              volumes: ['cache:/cache']
              options: --user builder
            services:
              My_DB: {image: pg, options: --hostname db}
              other: {image: pg, options: --user postgres}
            steps: [{run: echo}]
            """);
    assertThat(ContainerSupport.problems(j, Host.CONTAINER)).isEmpty();
    assertThat(ContainerSupport.problems(j, Host.POD))
        .containsExactly(
            "job 'test': services.My_DB: the label is the service's host name, and Kubernetes"
                + " takes only lower-case letters, digits and '-' in one",
            "job 'test': services.My_DB.options: --hostname is the pod's, set it on the job's"
                + " container",
            "job 'test': services.other.options: --user 'postgres' must be a numeric uid[:gid] on"
                + " Kubernetes (the pod host) (a pod's runAsUser)",
            "job 'test': container.volumes is not supported on Kubernetes (the pod host)",
            "job 'test': container.options: --user is not supported on Kubernetes (the pod host):"
                + " the job's pod runs as kubernetes.run-as-user, the worker's user, with whom it"
                + " shares the job's files");
  }

  @Test
  void expressionsAreLeftForRunTimeWhereCheckThrows() {
    JobSpec j =
        job(
            """
            container:
              image: img
              volumes: ['${{ matrix.v }}']
            steps: [{run: echo}]
            """);
    assertThat(ContainerSupport.problems(j, Host.POD)).isEmpty();
    ContainerConfig rendered =
        ContainerConfig.validate(
            "job 'test': container",
            new dev.pipewright.parser.spec.ContainerSpec(
                "img", null, null, null, java.util.List.of("v:/v"), null),
            false);
    assertThatThrownBy(() -> ContainerSupport.check(rendered, java.util.Map.of(), Host.POD))
        .isInstanceOf(CiException.class)
        .hasMessage("job 'test': container.volumes is not supported on Kubernetes (the pod host)");
  }
}
