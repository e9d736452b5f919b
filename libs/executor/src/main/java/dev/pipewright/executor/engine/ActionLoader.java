package dev.pipewright.executor.engine;

import dev.pipewright.actions.ActionResolver;
import dev.pipewright.executor.host.FileModes;
import dev.pipewright.executor.host.JobFiles;
import dev.pipewright.executor.host.JobPaths;
import dev.pipewright.models.CiException;
import dev.pipewright.models.ErrorCode;
import dev.pipewright.parser.ActionParser;
import dev.pipewright.parser.WorkflowException;
import dev.pipewright.parser.spec.ActionRef;
import dev.pipewright.parser.spec.ActionSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The action a {@code uses:} step names, made ready where the job's processes run, as
 * ActionManager.cs prepares it: a local action is read from the workspace; a remote one is resolved
 * to its commit ({@link ActionResolver}, kept once per SHA on the worker) and copied into the job's
 * runner files, {@code _actions/<owner>/<repo>/<sha>} (the runner's {@code _work/_actions}), since
 * a container or a pod sees only the job's own directories. Its manifest ({@code action.yml}, else
 * {@code action.yaml}) is parsed; what the engine cannot run (a Docker action built from a
 * Dockerfile, a kind it does not know) is refused with the reason. A {@code docker://} step has no
 * manifest: it loads as a docker action of that image ({@link DockerSteps}).
 */
final class ActionLoader {
  private static final List<String> MANIFESTS = List.of("action.yml", "action.yaml");

  /** The Node.js versions of JavaScript actions GitHub runs today (ActionManifestManager.cs). */

  /**
   * An action ready to run.
   *
   * @param sha the commit of a remote action, null for a local one
   * @param path its directory as the job's processes see it ({@code github.action_path})
   */
  record Loaded(ActionRef ref, String sha, String path, ActionSpec spec) {
    /** What the action's steps see in {@code github} beside the job's fields. */
    Map<String, Object> githubFields() {
      Map<String, Object> fields = new LinkedHashMap<>();
      fields.put("action_path", path);
      if (ref instanceof ActionRef.Remote r) {
        fields.put("action_repository", r.repository());
        fields.put("action_ref", r.ref());
      }
      return fields;
    }

    /** The action's identity in a chain of nested actions (a cycle repeats one). */
    String identity() {
      return sha == null ? ref.text() : ref.text().replaceFirst("@[^@]*$", "@" + sha);
    }
  }

  private final JobScope scope;

  ActionLoader(JobScope scope) {
    this.scope = scope;
  }

  /**
   * @throws CiException PERMANENT for what cannot run (a missing manifest, a kind the engine does
   *     not run yet, no source of remote actions), INVALID_SPEC for a manifest that does not parse,
   *     TRANSIENT when the action could not be fetched
   * @throws IOException when the job's files cannot be reached
   */
  Loaded load(ActionRef ref) throws IOException {
    Loaded loaded =
        switch (ref) {
          case ActionRef.Local local -> local(local);
          case ActionRef.Remote remote -> remote(remote);
          case ActionRef.Docker docker -> DockerSteps.imageStep(docker);
        };
    String using = loaded.spec().runs().using();
    if (loaded.spec().runs().docker()) {
      DockerSteps.refuseDockerfile(ref, loaded.spec().runs());
    } else if (!loaded.spec().runs().composite()
        && !loaded.spec().runs().currentNode()
        && !loaded.spec().runs().retiredNode()) {
      throw new CiException(
          ErrorCode.PERMANENT,
          "uses: "
              + ref.text()
              + ": actions with 'runs.using: "
              + using
              + "' are not supported (composite, docker, node12 to node24 actions are)");
    }
    return loaded;
  }

  private Loaded local(ActionRef.Local ref) throws IOException {
    String dir = JobPaths.join(scope.host().paths().workspace(), ref.path());
    JobFiles files = scope.host().files();
    for (String name : MANIFESTS) {
      Optional<byte[]> text = files.read(JobPaths.join(dir, name));
      if (text.isPresent()) {
        return new Loaded(ref, null, dir, parse(text.get(), ref.text() + "/" + name));
      }
    }
    // ActionManager.cs's words.
    throw new CiException(
        ErrorCode.PERMANENT,
        "Can't find 'action.yml', 'action.yaml' or 'Dockerfile' under '"
            + dir
            + "'. Did you forget to run actions/checkout before running your local action?");
  }

  private Loaded remote(ActionRef.Remote ref) throws IOException {
    ActionResolver resolver = scope.settings().actions();
    if (resolver == null) {
      throw new CiException(
          ErrorCode.PERMANENT,
          "uses: " + ref.text() + ": this runner has no source of remote actions configured");
    }
    ActionResolver.Resolved resolved = resolver.resolve(scope.run().buildId(), ref);
    String copy = copyToJob(resolved);
    String path = ref.path().isEmpty() ? copy : JobPaths.join(copy, ref.path());
    for (String name : MANIFESTS) {
      Path manifest = resolved.root().resolve(name);
      if (Files.isRegularFile(manifest)) {
        return new Loaded(
            ref,
            resolved.sha(),
            path,
            parse(Files.readAllBytes(manifest), ref.text() + "/" + name));
      }
    }
    throw new CiException(
        ErrorCode.PERMANENT,
        "Can't find 'action.yml', 'action.yaml' or 'Dockerfile' for action '" + ref.text() + "'.");
  }

  /**
   * The resolved tree in the job's runner files, copied once per job: a marker written after the
   * last file says the copy is whole (a successor re-attached to the job finds it so).
   */
  private String copyToJob(ActionResolver.Resolved resolved) throws IOException {
    ActionRef.Remote ref = resolved.ref();
    String target =
        JobPaths.join(
            scope.host().paths().runnerFiles(),
            "_actions/" + ref.owner() + "/" + ref.repo() + "/" + resolved.sha());
    String complete = target + ".complete";
    JobFiles files = scope.host().files();
    if (files.read(complete).isPresent()) {
      return target;
    }
    Map<String, byte[]> contents = new LinkedHashMap<>();
    List<String> executables = new ArrayList<>();
    Path source = resolved.directory();
    try (Stream<Path> walk = Files.walk(source)) {
      for (Path file : walk.filter(Files::isRegularFile).sorted().toList()) {
        String relative = source.relativize(file).toString().replace('\\', '/');
        String destination = JobPaths.join(target, relative);
        files.createDirectories(destination.substring(0, destination.lastIndexOf('/')));
        contents.put(destination, Files.readAllBytes(file));
        if (FileModes.executable(file)) {
          executables.add(destination);
        }
      }
    }
    files.createDirectories(target);
    files.writeAll(contents);
    // Its scripts keep their mode, so 'run: ${{ github.action_path }}/script.sh' works as after
    // the runner's own download (a tarball extracted with its modes).
    for (String executable : executables) {
      files.makeExecutable(executable);
    }
    files.write(complete, new byte[0]);
    return target;
  }

  /** The manifest, or INVALID_SPEC with each problem at its {@code file:line:column}. */
  private static ActionSpec parse(byte[] text, String label) {
    try {
      return new ActionParser().parse(new String(text, StandardCharsets.UTF_8), label);
    } catch (WorkflowException e) {
      throw new CiException(
          ErrorCode.INVALID_SPEC,
          e.diagnostics().stream()
              .map(d -> d.hint() == null ? d.brief() : d.brief() + " (" + d.hint() + ")")
              .collect(Collectors.joining("; ")));
    }
  }
}
