package dev.pipewright.kubernetes.operator;

import dev.pipewright.kubernetes.runner.KubeNames;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRun;
import dev.pipewright.pipelinerun.v1alpha1.PipelineRunStatus;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives a build from its PipelineRun: every event of the run, its Jobs or its Pods triggers one
 * pass of the orchestrator ({@link BuildReconciler}); the run's status mirrors the outcome and is
 * patched only when it changed. Deleting the run (or setting {@code spec.cancelRequested}) cancels
 * the build; the finalizer JOSDK adds for {@link Cleaner} makes sure the cancel is seen.
 *
 * <p>It sees only its installation's runs, Jobs and Pods ({@link #selector()}): another
 * installation in the namespace has another database, where this one's builds are unknown. A
 * finished run is never written again, and a run whose build the database does not hold is left as
 * it is: neither says anything about the build.
 */
@ControllerConfiguration(name = PipelineRunReconciler.NAME)
public class PipelineRunReconciler implements Reconciler<PipelineRun>, Cleaner<PipelineRun> {
  public static final String NAME = "pipelinerun";
  static final Duration RESYNC = Duration.ofSeconds(30);
  private static final Logger LOG = LoggerFactory.getLogger(PipelineRunReconciler.class);

  private final BuildReconciler builds;
  private final String installation;
  private final Clock clock;
  private final Duration resync;

  /**
   * @param installation the value of {@link KubeNames#INSTALLATION_LABEL} of the runs, Jobs and
   *     Pods to watch
   * @param resync how soon an unfinished build is reconciled again without any event
   */
  public PipelineRunReconciler(
      BuildReconciler builds, String installation, Clock clock, Duration resync) {
    this.builds = builds;
    this.installation = installation;
    this.clock = clock;
    this.resync = resync;
  }

  public PipelineRunReconciler(BuildReconciler builds, String installation) {
    this(builds, installation, Clock.systemUTC(), RESYNC);
  }

  /** The label selector of everything this reconciler watches: the installation's own objects. */
  public String selector() {
    return KubeNames.selector(installation);
  }

  @Override
  public UpdateControl<PipelineRun> reconcile(PipelineRun run, Context<PipelineRun> context) {
    if (finished(run)) {
      // A finished build changes again only when re-run, which raises the spec's run attempt:
      // nothing a later pass finds may rewrite its run until then.
      return UpdateControl.noUpdate();
    }
    String buildId = run.getSpec().getBuildId();
    if (run.getSpec().cancelRequested()) {
      builds.cancel(buildId);
    }
    Optional<BuildProgress> progress = builds.reconcile(buildId);
    if (progress.isEmpty()) {
      LOG.warn(
          "PipelineRun {}: build {} is not in this installation's database; the run is left as it"
              + " is",
          run.getMetadata().getName(),
          buildId);
      return UpdateControl.noUpdate();
    }
    PipelineRunStatus desired =
        PipelineRunStatuses.of(
            progress.get(), run.getMetadata().getGeneration(), run.getStatus(), clock.instant());
    UpdateControl<PipelineRun> control;
    if (desired.equals(run.getStatus())) {
      control = UpdateControl.noUpdate();
    } else {
      PipelineRun patch = new PipelineRun();
      patch.setMetadata(
          new ObjectMetaBuilder()
              .withName(run.getMetadata().getName())
              .withNamespace(run.getMetadata().getNamespace())
              .build());
      patch.setStatus(desired);
      control = UpdateControl.patchStatus(patch);
    }
    // Events drive progress; the timer only covers what no Kubernetes event announces (a job
    // that becomes ready because another one finished in the database).
    return desired.getPhase().terminal() ? control : control.rescheduleAfter(resync);
  }

  @Override
  public DeleteControl cleanup(PipelineRun run, Context<PipelineRun> context) {
    if (!finished(run)) {
      builds.cancel(run.getSpec().getBuildId());
    }
    return DeleteControl.defaultDelete();
  }

  /** Whether the status shows the end of the run attempt the spec names. */
  static boolean finished(PipelineRun run) {
    PipelineRunStatus status = run.getStatus();
    return status != null
        && status.getPhase() != null
        && status.getPhase().terminal()
        && status.runAttempt() >= run.getSpec().runAttempt();
  }

  @Override
  public List<EventSource<?, PipelineRun>> prepareEventSources(
      EventSourceContext<PipelineRun> context) {
    return List.of(
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Job.class, PipelineRun.class)
                .withName("jobs")
                .withLabelSelector(selector())
                .withSecondaryToPrimaryMapper(PipelineRunReconciler::runOf)
                .build(),
            context),
        new InformerEventSource<>(
            InformerEventSourceConfiguration.from(Pod.class, PipelineRun.class)
                .withName("pods")
                .withLabelSelector(selector())
                .withSecondaryToPrimaryMapper(PipelineRunReconciler::runOf)
                .build(),
            context));
  }

  /** Jobs and Pods name their build in an annotation (label values may be hashed). */
  static Set<ResourceID> runOf(HasMetadata child) {
    Map<String, String> annotations = child.getMetadata().getAnnotations();
    String buildId = annotations == null ? null : annotations.get(KubeNames.BUILD_ANNOTATION);
    if (buildId == null) {
      return Set.of();
    }
    return Set.of(new ResourceID(PipelineRun.nameFor(buildId), child.getMetadata().getNamespace()));
  }
}
