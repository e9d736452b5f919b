package dev.pipewright.executor.host.container;

import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.parser.spec.ContainerSpec;
import dev.pipewright.parser.spec.JobSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What each host that runs containers can do of a job's {@code container:} and {@code services:}:
 * the one place that refuses what a host cannot honour, used by the hosts when a job starts and
 * callable ahead of that (lint, admission) on the parsed job. What no host honours (unknown
 * options, host directories) is refused earlier, by {@link ContainerConfig} and at parse time.
 */
public final class ContainerSupport {
  /** The hosts that run containers. */
  public enum Host {
    /** podman on the worker's machine: the job container and the services share one network. */
    CONTAINER("the container host"),
    /** One Kubernetes pod: the job's image and its services as native sidecars. */
    POD("Kubernetes (the pod host)");

    private final String description;

    Host(String description) {
      this.description = description;
    }
  }

  /** A DNS-1123 label, what Kubernetes takes as a host alias; podman takes it too. */
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

  private static final Pattern NUMERIC_USER = Pattern.compile("\\d+(:\\d+)?");

  private ContainerSupport() {}

  /**
   * Checks a job's rendered container (null when it has none) and services on {@code host}.
   *
   * @throws CiException INVALID_SPEC naming the job, the container or service and the field
   */
  public static void check(
      ContainerConfig container, Map<String, ContainerConfig> services, Host host) {
    List<String> problems = problems(container, services, host);
    if (!problems.isEmpty()) {
      throw new CiException(ErrorCode.INVALID_SPEC, String.join("; ", problems));
    }
  }

  /**
   * What job {@code job} asks of {@code host} that it cannot do, each a sentence naming the job and
   * the field; empty when it can run. Values with {@code ${{ }}} are skipped (they are checked when
   * the job starts), and so is what the parser already refused.
   */
  public static List<String> problems(JobSpec job, Host host) {
    ContainerConfig container = null;
    Map<String, ContainerConfig> services = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    try {
      if (job.container() != null && literal(job.container())) {
        container =
            ContainerConfig.validate("job '" + job.id() + "': container", job.container(), false);
      }
      if (job.services() != null) {
        for (Map.Entry<String, ContainerSpec> s : job.services().entrySet()) {
          if (literal(s.getValue())) {
            services.put(
                s.getKey(),
                ContainerConfig.validate(
                    "job '" + job.id() + "': services." + s.getKey(), s.getValue(), true));
          }
        }
      }
    } catch (CiException e) {
      problems.add(e.getMessage());
    }
    problems.addAll(problems(container, services, host));
    return problems;
  }

  private static boolean literal(ContainerSpec spec) {
    return !String.valueOf(spec).contains("${{");
  }

  private static List<String> problems(
      ContainerConfig container, Map<String, ContainerConfig> services, Host host) {
    List<String> problems = new ArrayList<>();
    // Every service shares the job's network (a pod's, or the job container's on podman): two
    // that listen on one port cannot both be reached on it.
    Map<String, String> portOwners = new LinkedHashMap<>();
    if (container != null) {
      container.containerPorts().forEach(p -> portOwners.putIfAbsent(p, container.where()));
    }
    services.forEach(
        (label, s) -> {
          if (host == Host.POD && !LABEL.matcher(label).matches()) {
            problems.add(
                s.where()
                    + ": the label is the service's host name, and Kubernetes takes only lower-case"
                    + " letters, digits and '-' in one");
          }
          for (String port : s.containerPorts()) {
            String other = portOwners.putIfAbsent(port, s.where());
            if (other != null) {
              problems.add(
                  s.where()
                      + ".ports: "
                      + port
                      + " is also "
                      + other
                      + "'s; the job's containers share one network, so each port has one owner");
            }
          }
          if (host == Host.POD && s.hostname() != null) {
            problems.add(
                s.where() + ".options: --hostname is the pod's, set it on the job's container");
          }
        });
    List<ContainerConfig> all = new ArrayList<>(services.values());
    if (container != null) {
      all.add(container);
    }
    for (ContainerConfig c : all) {
      if (host == Host.POD) {
        if (!c.volumes().isEmpty()) {
          problems.add(c.where() + ".volumes is not supported on " + host.description);
        }
        if (c == container && c.user() != null) {
          problems.add(
              c.where()
                  + ".options: --user is not supported on "
                  + host.description
                  + ": the job's pod runs as kubernetes.run-as-user, the worker's user, with whom"
                  + " it shares the job's files");
        } else if (c.user() != null && !NUMERIC_USER.matcher(c.user()).matches()) {
          problems.add(
              c.where()
                  + ".options: --user '"
                  + c.user()
                  + "' must be a numeric uid[:gid] on "
                  + host.description
                  + " (a pod's runAsUser)");
        }
      }
    }
    return problems;
  }
}
