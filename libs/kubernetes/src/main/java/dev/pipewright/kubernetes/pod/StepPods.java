package dev.pipewright.kubernetes.pod;

import dev.pipewright.executor.host.HostProcess;
import dev.pipewright.executor.host.OutputReceiver;
import dev.pipewright.executor.host.StepContainer;
import dev.pipewright.kubernetes.runner.ApiErrors;
import dev.pipewright.kubernetes.runner.KubeNames;
import dev.pipewright.kubernetes.runner.KubernetesRunnerConfig;
import dev.pipewright.models.CiException;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API side of docker steps on the pod host: creates a step's Secret and Job ({@link StepJobs})
 * and follows its pod ({@link StepPodProcess}) through the worker's pod informer; the process
 * deletes all three once the container ended or when it is signalled.
 */
final class StepPods {
  private static final Logger log = LoggerFactory.getLogger(StepPods.class);

  private final KubernetesClient client;
  private final KubernetesRunnerConfig config;
  private final StepJobs jobs;
  private final Function<String, Pod> podOf;

  /**
   * @param podOf the newest pod of a Job, by the Job's name, as the informer last saw it
   */
  StepPods(
      KubernetesClient client,
      KubernetesRunnerConfig config,
      StepJobs jobs,
      Function<String, Pod> podOf) {
    this.client = client;
    this.config = config;
    this.jobs = jobs;
    this.podOf = podOf;
  }

  /**
   * @param name the step's Job, Secret and pod label ({@link KubeNames#stepJobName})
   * @param services the job's service labels as names of its pod's IP, or null for none
   * @param labels the job's labels
   * @param deadline the Job's {@code activeDeadlineSeconds}
   * @throws CiException with the API's code when the Secret or Job cannot be created
   */
  HostProcess start(
      String name,
      StepContainer step,
      HostAlias services,
      Map<String, String> labels,
      Duration deadline,
      OwnerReference owner,
      OutputReceiver output) {
    try {
      client
          .secrets()
          .inNamespace(config.namespace())
          .resource(jobs.envSecret(name, step, labels, owner))
          .create();
      client
          .batch()
          .v1()
          .jobs()
          .inNamespace(config.namespace())
          .resource(jobs.job(name, step, name, services, labels, deadline, owner))
          .create();
    } catch (KubernetesClientException e) {
      throw new CiException(
          ApiErrors.codeOf(e.getCode()),
          "creating the Job of docker step " + name + ": " + e.getMessage(),
          e);
    }
    return new StepPodProcess(step.id(), api(name), config.logPollInterval(), output);
  }

  private StepPodProcess.Api api(String name) {
    return new StepPodProcess.Api() {
      @Override
      public Pod pod() {
        return podOf.apply(name);
      }

      @Override
      public String log(String podName) {
        return client
            .pods()
            .inNamespace(config.namespace())
            .withName(podName)
            .inContainer(StepJobs.CONTAINER)
            .getLog();
      }

      @Override
      public LogWatch follow(String podName) {
        return client
            .pods()
            .inNamespace(config.namespace())
            .withName(podName)
            .inContainer(StepJobs.CONTAINER)
            .watchLog();
      }

      @Override
      public void delete(Duration grace) {
        try {
          client
              .batch()
              .v1()
              .jobs()
              .inNamespace(config.namespace())
              .withName(name)
              .withPropagationPolicy(DeletionPropagation.BACKGROUND)
              .delete();
          client
              .pods()
              .inNamespace(config.namespace())
              .withLabel(KubeNames.JOB_NAME_LABEL, name)
              .withGracePeriod(grace.toSeconds())
              .delete();
          client.secrets().inNamespace(config.namespace()).withName(name).delete();
        } catch (KubernetesClientException e) {
          log.warn("could not delete the Job of docker step {}: {}", name, e.toString());
        }
      }
    };
  }
}
