package dev.pipewright.kubernetes.operator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;

/** The JOSDK operator running the PipelineRun reconciler in one namespace. */
public final class PipelineRunOperator implements AutoCloseable {
  private final Operator operator;

  private PipelineRunOperator(Operator operator) {
    this.operator = operator;
  }

  /**
   * Registers the reconciler for {@code namespace} and starts watching the runs of its installation
   * ({@link PipelineRunReconciler#selector()}).
   */
  public static PipelineRunOperator start(
      KubernetesClient client, String namespace, PipelineRunReconciler reconciler) {
    return start(client, namespace, reconciler, true);
  }

  /**
   * @param serverSideApply whether finalizers and status are written with server-side apply (the
   *     JOSDK default); API servers without it (Fabric8's mock server) need JSON merge patches
   */
  public static PipelineRunOperator start(
      KubernetesClient client,
      String namespace,
      PipelineRunReconciler reconciler,
      boolean serverSideApply) {
    Operator operator =
        new Operator(
            o ->
                o.withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    .withStopOnInformerErrorDuringStartup(true)
                    .withUseSSAToPatchPrimaryResource(serverSideApply));
    operator.register(
        reconciler, c -> c.settingNamespaces(namespace).withLabelSelector(reconciler.selector()));
    operator.start();
    return new PipelineRunOperator(operator);
  }

  @Override
  public void close() {
    operator.stop();
  }
}
