package dev.pipewright.entryapi;

import dev.pipewright.auth.RuntimeTokens;
import dev.pipewright.entryapi.artifacts.ArtifactEndpoints;
import dev.pipewright.ops.config.PipewrightConfig;
import dev.pipewright.secrets.SecretKeys;
import dev.pipewright.secrets.Signer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;

/**
 * An entry API with the artifact and cache services on (a secret key file, blobs under {@code
 * temp}), and the runtime tokens a worker with the same key gives its jobs.
 */
final class ResultsServicesFixture implements AutoCloseable {
  static final String DEFAULT_REF = "refs/heads/main";

  final Path keyFile;
  final PipewrightConfig.Artifacts artifacts;
  final ApiFixture fx;
  final RuntimeTokens tokens;

  /**
   * @param cacheCap the cache bytes kept per repository
   */
  ResultsServicesFixture(Path temp, long cacheCap) throws Exception {
    keyFile = temp.resolve("secret.key");
    Files.writeString(keyFile, SecretKeys.newKeyLine("k1") + "\n");
    artifacts =
        new PipewrightConfig.Artifacts(
            temp.resolve("blobs"), "", 90, Duration.ofMinutes(10), cacheCap, DEFAULT_REF);
    fx =
        new ApiFixture(
            EntryApiConfig.defaults()
                .withPorts(0, 0)
                .withSecretKeyFile(keyFile)
                .withArtifacts(artifacts),
            null,
            null);
    tokens =
        new RuntimeTokens(
            Signer.of(SecretKeys.load(keyFile), RuntimeTokens.PURPOSE), Clock.systemUTC());
  }

  UUID newBuild() {
    return UUID.fromString(
        fx.stub.startPipelineBuild(EntryApiIT.request(EntryApiIT.pipeline())).getBuildId());
  }

  /**
   * Runs the sweep of another replica (the same database and blob root); how many entries it
   * deleted.
   */
  int sweepAsAnotherReplica() throws java.io.IOException {
    return ArtifactEndpoints.create(artifacts, SecretKeys.load(keyFile), fx.database.dsl(), false)
        .sweepNow();
  }

  /** The entry API's HTTP side, no trailing slash. */
  String baseUrl() {
    return "http://127.0.0.1:" + fx.api.httpPort();
  }

  @Override
  public void close() throws Exception {
    fx.close();
  }
}
