package dev.pipewright.pipelinerun.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.crd.generator.annotation.PrinterColumnFormat;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;
import java.util.Locale;

/**
 * One build in Kubernetes mode, visible to {@code kubectl get plr}. The worker creates it when it
 * claims a build; the build's Jobs, Pods and Secret are owned by it, so deleting it cancels the
 * build and garbage-collects everything the build created.
 */
@Group(PipelineRun.GROUP)
@Version(PipelineRun.VERSION)
@Kind(PipelineRun.KIND)
@Singular("pipelinerun")
@Plural("pipelineruns")
@ShortNames({"plr", "prun"})
@AdditionalPrinterColumn(
    name = "Build",
    jsonPath = ".spec.buildId",
    getDescription = "The Pipewright build id")
@AdditionalPrinterColumn(
    name = "Phase",
    jsonPath = ".status.phase",
    getDescription = "Where the build is in its life")
@AdditionalPrinterColumn(
    name = "Jobs",
    jsonPath = ".status.progress",
    getDescription = "Finished workflow jobs / all workflow jobs")
@AdditionalPrinterColumn(
    name = "Age",
    jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE,
    format = PrinterColumnFormat.NONE)
public class PipelineRun extends CustomResource<PipelineRunSpec, PipelineRunStatus>
    implements Namespaced {

  public static final String GROUP = "pipewright.dev";
  public static final String VERSION = "v1alpha1";
  public static final String KIND = "PipelineRun";
  public static final String API_VERSION = GROUP + "/" + VERSION;

  /** The name a build's PipelineRun gets: build ids are UUIDs, already DNS-safe once lowered. */
  public static String nameFor(String buildId) {
    return "build-" + buildId.toLowerCase(Locale.ROOT);
  }
}
