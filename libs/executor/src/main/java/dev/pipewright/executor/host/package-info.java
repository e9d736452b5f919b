/**
 * Job hosts: where a job's processes run, behind the narrow interface the job engine drives.
 *
 * <p>The engine ({@code dev.pipewright.executor.engine}) owns every GitHub rule: step order, {@code
 * if:}, expressions, env files, workflow commands, masking, shells, timeouts, cancellation,
 * outputs. A host owns none of them; it only
 *
 * <ul>
 *   <li>prepares the job's environment and releases it ({@link JobHost#prepare}, {@link
 *       JobHost#release}): directories on the worker, a container, a pod;
 *   <li>starts commands in it ({@link JobHost#start}) and hands back a {@link HostProcess}: output
 *       (stdout and stderr merged, as bytes with their offset), exit code, signals to the whole
 *       process group;
 *   <li>reads and writes the job's files ({@link JobFiles}): the engine writes step scripts and the
 *       {@code GITHUB_ENV}/{@code GITHUB_OUTPUT}/{@code GITHUB_PATH}/{@code GITHUB_STEP_SUMMARY}/
 *       {@code GITHUB_STATE} files and reads them back through the host, because on a container or
 *       pod host they live inside the container or on a volume;
 *   <li>names the job's directories as its processes see them ({@link JobPaths}), which on a
 *       container or pod host differ from anything the worker could open.
 * </ul>
 *
 * <p>Three hosts implement it: the process host ({@code host.process}, processes on the worker's
 * machine), the container host (an OCI container per job, through podman) and the pod host (one
 * Kubernetes Job per workflow job). A host that can outlive its worker (the pod host) says so with
 * {@link JobHost#supportsReattach}: a successor then finds a step still running by the id the
 * engine gave it ({@link HostCommand#id}) and resumes its output from a byte offset. A host that
 * cannot (processes die with their worker) says no, and the engine runs the job again from its
 * first step with a visible attempt marker in the log.
 */
package dev.pipewright.executor.host;
