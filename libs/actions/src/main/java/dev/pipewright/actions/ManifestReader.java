package dev.pipewright.actions;

import dev.pipewright.capabilities.ActionManifests;
import dev.pipewright.models.CiException;
import dev.pipewright.parser.spec.ActionRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@link ActionManifests} from disk and git: local actions ({@code ./path}) from a checkout, remote
 * ones through an {@link ActionResolver} (its sources in their order, the manifest read at the
 * commit without keeping the tree). What cannot be read says why, so that lint and admission warn
 * instead of refusing; what is not there is {@code Missing}, as actions/runner's ActionManager
 * fails the step ("Can't find 'action.yml', 'action.yaml' or 'Dockerfile'").
 */
public final class ManifestReader implements ActionManifests {
  private static final List<String> MANIFESTS = List.of("action.yml", "action.yaml");

  private final Path checkout;
  private final String noCheckout;
  private final ActionResolver resolver;
  private final String noResolver;

  /**
   * @param checkout where local actions are read, or null
   * @param noCheckout why local actions are not read, when {@code checkout} is null
   * @param resolver where remote actions are read, or null
   * @param noResolver why remote actions are not read, when {@code resolver} is null
   */
  public ManifestReader(
      Path checkout, String noCheckout, ActionResolver resolver, String noResolver) {
    this.checkout = checkout == null ? null : checkout.toAbsolutePath().normalize();
    this.noCheckout = noCheckout;
    this.resolver = resolver;
    this.noResolver = noResolver;
  }

  @Override
  public Manifest read(ActionRef ref) {
    return switch (ref) {
      case ActionRef.Local local -> local(local);
      case ActionRef.Remote remote -> remote(remote);
      case ActionRef.Docker docker -> new Unread(docker.text() + " is an image, not an action");
    };
  }

  private Manifest local(ActionRef.Local ref) {
    if (checkout == null) {
      return new Unread(noCheckout);
    }
    Path dir = checkout.resolve(ref.path()).normalize();
    for (String name : MANIFESTS) {
      Path manifest = dir.resolve(name);
      if (Files.isRegularFile(manifest)) {
        try {
          return new Found(Files.readString(manifest), ref.text() + "/" + name);
        } catch (IOException e) {
          return new Unread("reading " + manifest + ": " + e.getMessage());
        }
      }
    }
    if (Files.isRegularFile(dir.resolve("Dockerfile"))) {
      return new Missing(
          "it is a Docker action built from its Dockerfile (no action.yml), which is refused"
              + " until an image builder exists");
    }
    return new Missing(
        "there is no 'action.yml' or 'action.yaml' under '" + dir + "' in the checkout");
  }

  private Manifest remote(ActionRef.Remote ref) {
    if (resolver == null) {
      return new Unread(noResolver);
    }
    try {
      return resolver
          .manifest(ref)
          .<Manifest>map(m -> new Found(m.text(), ref.text() + "/" + m.name()))
          .orElseGet(
              () ->
                  new Missing(
                      "its commit has no 'action.yml' or 'action.yaml'"
                          + (ref.path().isEmpty() ? "" : " under '" + ref.path() + "'")));
    } catch (CiException e) {
      return new Unread(e.getMessage());
    }
  }
}
