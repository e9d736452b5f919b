package dev.pipewright.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pipewright.auth.Role;
import dev.pipewright.blobs.DirectoryBlobStore;
import dev.pipewright.blobs.StoredBlob;
import dev.pipewright.entryapi.EntryApi;
import dev.pipewright.entryapi.EntryApiConfig;
import dev.pipewright.ops.config.PipewrightConfig;
import dev.pipewright.queue.QueueNames;
import dev.pipewright.queue.QueueSettings;
import dev.pipewright.secrets.SecretKeys;
import dev.pipewright.store.ApiTokenRepository;
import dev.pipewright.store.ArtifactRepository;
import dev.pipewright.store.Database;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pipewright artifacts} and the artifacts in {@code pipewright status}, run in-process as a
 * user types them, with a read token, against an entry API on the machine's PostgreSQL. The
 * artifacts are stored as the artifact service stores them (a blob in the API's blob root, a
 * finalized row): a zip like upload-artifact@v4's and a plain file.
 */
class ArtifactsCliIT {
  private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/";

  @TempDir static Path temp;
  private static String databaseUrl;
  private static QueueNames names;
  private static EntryApi api;
  private static Database database;
  private static String server;
  private static String readToken;
  private static String build;
  private static byte[] bundle;

  @BeforeAll
  static void start() throws Exception {
    String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    databaseUrl = POSTGRES + "pw_cli_art_" + suffix;
    names = QueueNames.withPrefix("pw-cli-art-" + suffix);
    Path keyFile = Files.writeString(temp.resolve("secret.key"), SecretKeys.newKeyLine("k1"));
    Path blobRoot = temp.resolve("blobs");
    api =
        new EntryApi(
                EntryApiConfig.defaults()
                    .withPorts(0, 0)
                    .withDatabase(databaseUrl)
                    .withQueue(QueueSettings.DEFAULT_URI, names.exchange())
                    .withSecretKeyFile(keyFile)
                    .withArtifacts(
                        new PipewrightConfig.Artifacts(
                            blobRoot, "", 90, Duration.ofMinutes(10), 1L << 30, "refs/heads/main")))
            .start();
    server = "127.0.0.1:" + api.grpcPort();
    database = Database.open(databaseUrl, "postgres", "");
    ApiTokenRepository tokens = new ApiTokenRepository(database.dsl());
    readToken = tokens.create("cli-art-reader", Role.READ).token().reveal();
    String submitToken = tokens.create("cli-art-submitter", Role.SUBMIT).token().reveal();

    Path workflow =
        Files.writeString(
            temp.resolve("wf.yml"),
            """
            on: push
            jobs:
              build:
                runs-on: ubuntu-latest
                steps:
                  - run: echo hi
            """);
    CliRun submitted =
        CliRun.of(
            Map.of(ClientOptions.TOKEN_ENV, submitToken),
            "submit",
            workflow.toString(),
            "-o",
            "json",
            "--server",
            server);
    assertThat(submitted.exit()).as(submitted.err()).isZero();
    build = submitted.json().get("id").asText();

    DirectoryBlobStore blobs = new DirectoryBlobStore(blobRoot);
    ArtifactRepository rows = new ArtifactRepository(database.dsl());
    bundle = ArtifactDownloadTest.zip(Map.of("a.txt", "hello\n", "sub/c.txt", "nested\n"));
    store(blobs, rows, "bundle", bundle);
    store(blobs, rows, "notes", "plain notes\n".getBytes(StandardCharsets.UTF_8));
  }

  /** What ArtifactService does for an upload: the content's blob, a row committed and finalized. */
  private static void store(
      DirectoryBlobStore blobs, ArtifactRepository rows, String name, byte[] content)
      throws Exception {
    StoredBlob blob = blobs.put(new ByteArrayInputStream(content), Optional.empty());
    long id =
        rows.create(UUID.fromString(build), "build", name, Instant.now().plus(Duration.ofDays(1)))
            .artifact()
            .id();
    rows.commit(id, blob.sha256(), blob.size(), sha -> true);
    rows.finalize(id, blob.sha256());
  }

  @AfterAll
  static void stop() throws Exception {
    if (api != null) {
      api.close();
    }
    if (database != null) {
      database.close();
    }
    ItResources.drop(databaseUrl, names);
  }

  private static CliRun pipewright(String... args) {
    Map<String, String> env = new HashMap<>();
    env.put(ClientOptions.TOKEN_ENV, readToken);
    String[] all =
        Stream.concat(Stream.of(args), Stream.of("--server", server)).toArray(String[]::new);
    return CliRun.of(env, all);
  }

  @Test
  void artifactsListsNameSizeShortHashAndExpiry() throws Exception {
    CliRun listed = pipewright("artifacts", build);
    assertThat(listed.exit()).as(listed.err()).isZero();
    String sha = ArtifactDownloadTest.sha256(bundle);
    assertThat(listed.out().lines())
        .hasSize(3)
        .first()
        .asString()
        .startsWith("NAME")
        .contains("SIZE", "SHA256", "EXPIRES");
    assertThat(listed.out())
        .containsPattern("bundle +" + bundle.length + " B +" + sha.substring(0, 12) + " +20")
        .contains("notes");

    JsonNode json = pipewright("artifacts", build, "-o", "json", "--name", "bundle").json();
    assertThat(json.get("artifacts")).hasSize(1);
    JsonNode one = json.get("artifacts").get(0);
    assertThat(one.get("name").asText()).isEqualTo("bundle");
    assertThat(one.get("size").asLong()).isEqualTo(bundle.length);
    assertThat(one.get("sha256").asText()).isEqualTo(sha);
    assertThat(one.get("job_key").asText()).isEqualTo("build");
    assertThat(Instant.parse(one.get("expire_time").asText())).isAfter(Instant.now());
  }

  @Test
  void downloadVerifiesAndExtractsTheZipAndWritesOtherContentAsAFile() throws Exception {
    Path dir = temp.resolve("all");
    CliRun downloaded = pipewright("artifacts", build, "--download", dir.toString());
    assertThat(downloaded.exit()).as(downloaded.err()).isZero();
    assertThat(downloaded.out())
        .contains("saved bundle to " + dir.resolve("bundle") + ": 2 files")
        .contains("verified");
    assertThat(dir.resolve("bundle/a.txt")).hasContent("hello");
    assertThat(dir.resolve("bundle/sub/c.txt")).hasContent("nested");
    assertThat(dir.resolve("notes/notes")).hasContent("plain notes");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("bundle", "notes");
    }

    Path one = temp.resolve("one");
    JsonNode json =
        pipewright(
                "artifacts", build, "--download", one.toString(), "--name", "notes", "-o", "json")
            .json();
    assertThat(json.get("artifacts").get(0).get("path").asText())
        .isEqualTo(one.resolve("notes").toString());
    assertThat(json.get("artifacts").get(0).get("extracted").asBoolean()).isFalse();
    assertThat(one.resolve("bundle")).doesNotExist();
  }

  @Test
  void unknownArtifactsAndBuildsAreOneClearLine() {
    CliRun noName = pipewright("artifacts", build, "--name", "nothing");
    assertThat(noName.exit()).isEqualTo(ExitCodes.FAILED);
    assertThat(noName.err()).contains("has no artifact named nothing");

    CliRun noDownload =
        pipewright(
            "artifacts", build, "--name", "nothing", "--download", temp.resolve("x").toString());
    assertThat(noDownload.exit()).isEqualTo(ExitCodes.FAILED);
    assertThat(noDownload.err()).contains("no artifact named nothing");

    CliRun noBuild = pipewright("artifacts", UUID.randomUUID().toString());
    assertThat(noBuild.exit()).isEqualTo(ExitCodes.FAILED);
    assertThat(noBuild.err()).contains("no build");
  }

  @Test
  void statusListsTheBuildsArtifacts() throws Exception {
    CliRun text = pipewright("status", build);
    assertThat(text.exit()).as(text.err()).isZero();
    assertThat(text.out())
        .contains("  artifacts:")
        .containsPattern("    bundle +" + bundle.length + " B");
    JsonNode json = pipewright("status", build, "-o", "json").json();
    assertThat(json.get("artifacts"))
        .extracting(a -> a.get("name").asText())
        .containsExactly("bundle", "notes");
  }
}
