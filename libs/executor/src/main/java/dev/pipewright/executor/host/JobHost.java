package dev.pipewright.executor.host;

import dev.pipewright.executor.RuntimeServices;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Where one job instance's processes run: the narrow interface the job engine drives. One instance
 * per job instance and attempt, made by a {@link JobHostFactory}; used by the job's thread, except
 * {@link HostProcess#signal} which a cancel may call from any thread.
 *
 * <p>Life: {@link #prepare} once before the first command, then {@link #start} (or {@link
 * #reattach}) and {@link #files} as the steps go, then {@link #release} once, also after a failure.
 * Methods throw {@link IOException} when the host failed (the engine records a transient runner
 * failure) or a {@link CiException} whose code says what kind of failure it was (PERMANENT for a
 * host that cannot work at all, such as a missing container engine, with a message naming the job;
 * TRANSIENT for infrastructure that may work on another try, such as a deleted pod).
 */
public interface JobHost {

  /** {@code "process"}, {@code "container"} or {@code "pod"}: for logs and {@code runner.*}. */
  String kind();

  /** The job's directories as its processes see them; valid before {@link #prepare}. */
  JobPaths paths();

  /**
   * Makes the job's environment ready: its directories exist (the workspace may hold files of an
   * earlier attempt), its container or pod runs. Idempotent: a successor worker calls it again on a
   * host that supports {@link #reattach}, and it then finds what its predecessor made.
   */
  void prepare() throws IOException;

  /**
   * The environment a command inherits in this host before the engine adds the job's variables: for
   * the process host the worker variables it passes on ({@code PATH}, {@code HOME}...), for a
   * container the image's ({@code PATH} above all, which {@code GITHUB_PATH} entries are put
   * before).
   */
  Map<String, String> baseEnvironment();

  /**
   * Looks an executable up as {@link #start} would: {@code name} itself when it holds a {@code /}
   * (relative to {@code dir}), else the first match on {@code path} ({@code :}-separated).
   *
   * @return its absolute path in the host, or empty when there is none
   */
  Optional<String> findExecutable(String name, String path, String dir) throws IOException;

  /**
   * Starts a command in its own process group, its stdin empty, and returns at once. Its output
   * goes to {@code output} from offset 0 until {@link HostProcess#drain}.
   */
  HostProcess start(HostCommand command, OutputReceiver output) throws IOException;

  /**
   * Whether a command can be found again by its id after the worker that started it died (the pod
   * host: steps run on in the pod). When false, the engine runs an interrupted job again from its
   * first step and says so in the log.
   */
  default boolean supportsReattach() {
    return false;
  }

  /**
   * Finds a command an earlier worker started with this id, running or ended (a host that supports
   * re-attach keeps its exit code and output), and resumes its output at byte {@code fromOffset}.
   *
   * @return empty when there is no such command, or when this host does not {@link
   *     #supportsReattach}
   */
  default Optional<HostProcess> reattach(String id, long fromOffset, OutputReceiver output)
      throws IOException {
    return Optional.empty();
  }

  /**
   * Starts a step's own container ({@link StepContainer}) and returns at once; its output (stdout
   * and stderr) goes to {@code output} from offset 0 until {@link HostProcess#drain}, its exit code
   * is the container's. A signal stops the container.
   *
   * @throws CiException PERMANENT on a host that runs no containers
   */
  default HostProcess startContainer(StepContainer step, OutputReceiver output) throws IOException {
    throw new CiException(
        ErrorCode.PERMANENT,
        "this worker cannot run the container of a docker action or 'docker://' step: the "
            + kind()
            + " host runs no containers (the local executor needs podman on the worker's PATH)");
  }

  /**
   * The Node.js the executor provides for JavaScript actions in this host, or empty when it has
   * none to offer.
   *
   * @throws CiException PERMANENT, naming the setting, when one is configured but cannot be used
   */
  default Optional<ProvidedNode> providedNode() throws IOException {
    return Optional.empty();
  }

  /**
   * Whether a {@code node} the job's own environment has on its {@code PATH} (its image's) runs
   * JavaScript actions before the executor's: true where the job runs in an image of its own.
   */
  default boolean prefersOwnNode() {
    return false;
  }

  /** The job's files. */
  JobFiles files();

  /**
   * The artifact and cache services ({@code ACTIONS_RESULTS_URL} and the rest) as this host's
   * processes reach them; null stays null. A host whose processes see another network than the
   * worker's says so here (a container: not the worker's loopback).
   */
  default RuntimeServices runtimeServices(RuntimeServices services) {
    return services;
  }

  /**
   * The artifact and cache services as a step's own container ({@link #startContainer}) reaches
   * them; null stays null. As this host's processes do ({@link #runtimeServices}), unless its step
   * containers see another network than they do.
   */
  default RuntimeServices stepContainerServices(RuntimeServices services) {
    return runtimeServices(services);
  }

  /**
   * The {@code job.container} context ({@code id}, {@code network}) when the job runs in a
   * container, else empty.
   */
  default Map<String, Object> containerContext() {
    return Map.of();
  }

  /**
   * The {@code job.services} context: for each service label its {@code id}, {@code network} and
   * {@code ports} (container port → port where the steps reach it); empty without services.
   */
  default Map<String, Object> servicesContext() {
    return Map.of();
  }

  /**
   * Where the host may write lines of the job's own log (step 0): how its services' start, health
   * and logs are shown. The engine sets it before {@link #prepare}; hosts without services ignore
   * it.
   */
  default void jobLog(Consumer<String> lines) {}

  /**
   * After the last step, also when {@link #prepare} failed (GitHub's "Stop containers"): stops the
   * job's services, printing each one's log to the {@link #jobLog}. Never throws.
   */
  default void stopServices() {}

  /**
   * The job is over: every process it left is killed (background processes die with their job, as
   * on GitHub), its temporary directory emptied, its container or pod removed. The workspace stays
   * until {@link JobHostFactory#releaseBuild}. Never throws; failures are logged.
   */
  void release();
}
