package dev.pipewright.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.pipewright.api.ci.v1.Artifact;
import dev.pipewright.api.ci.v1.GetArtifactResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactDownloadTest {
  @TempDir Path dir;

  /** A zip as upload-artifact@v4 makes one: entries relative to the upload's root. */
  static byte[] zip(Map<String, String> files) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (var file : files.entrySet()) {
        zip.putNextEntry(new ZipEntry(file.getKey()));
        zip.write(file.getValue().getBytes(StandardCharsets.UTF_8));
        zip.closeEntry();
      }
    }
    return bytes.toByteArray();
  }

  static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /** The stream GetArtifact sends: metadata, then the content in chunks of {@code chunk}. */
  private static List<GetArtifactResponse> stream(Artifact meta, byte[] content, int chunk) {
    List<GetArtifactResponse> responses = new ArrayList<>();
    responses.add(GetArtifactResponse.newBuilder().setArtifact(meta).build());
    for (int i = 0; i < content.length; i += chunk) {
      responses.add(
          GetArtifactResponse.newBuilder()
              .setData(ByteString.copyFrom(content, i, Math.min(chunk, content.length - i)))
              .build());
    }
    return responses;
  }

  private static Artifact meta(String name, byte[] content) throws Exception {
    return Artifact.newBuilder()
        .setName(name)
        .setSize(content.length)
        .setSha256(sha256(content))
        .build();
  }

  private List<Path> leftovers() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith(".part")).toList();
    }
  }

  @Test
  void aZipIsVerifiedAndExtractedUnderItsName() throws Exception {
    byte[] content = zip(Map.of("a.txt", "hello\n", "sub/c.txt", "nested\n"));
    ArtifactDownload.Saved saved =
        ArtifactDownload.save(stream(meta("bundle", content), content, 7).iterator(), dir);
    assertThat(saved.extracted()).isTrue();
    assertThat(saved.files()).isEqualTo(2);
    assertThat(saved.path()).isEqualTo(dir.resolve("bundle"));
    assertThat(dir.resolve("bundle/a.txt")).hasContent("hello");
    assertThat(dir.resolve("bundle/sub/c.txt")).hasContent("nested");
    assertThat(leftovers()).isEmpty();
  }

  @Test
  void otherContentIsWrittenAsTheFileOfTheArtifactsName() throws Exception {
    byte[] content = "just text\n".getBytes(StandardCharsets.UTF_8);
    ArtifactDownload.Saved saved =
        ArtifactDownload.save(stream(meta("notes", content), content, 4).iterator(), dir);
    assertThat(saved.extracted()).isFalse();
    assertThat(dir.resolve("notes/notes")).hasBinaryContent(content);
  }

  @Test
  void bytesThatDoNotHashAsAnnouncedAreRefusedAndNothingLands() throws Exception {
    byte[] content = zip(Map.of("a.txt", "hello\n"));
    Artifact lying =
        meta("bundle", content).toBuilder().setSha256(sha256("other".getBytes())).build();
    assertThatThrownBy(() -> ArtifactDownload.save(stream(lying, content, 5).iterator(), dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("the server announced")
        .hasMessageContaining("nothing was written");
    assertThat(dir.resolve("bundle")).doesNotExist();
    assertThat(leftovers()).isEmpty();

    Artifact shorter = meta("bundle", content).toBuilder().setSize(content.length + 1).build();
    assertThatThrownBy(() -> ArtifactDownload.save(stream(shorter, content, 5).iterator(), dir))
        .hasMessageContaining("arrived as " + content.length + " bytes");
  }

  @Test
  void entriesOutsideTheArtifactsDirectoryAreRefused() throws Exception {
    byte[] content = zip(Map.of("../escaped.txt", "x"));
    assertThatThrownBy(
            () -> ArtifactDownload.save(stream(meta("evil", content), content, 64).iterator(), dir))
        .hasMessageContaining("outside its directory: ../escaped.txt");
    assertThat(dir.resolve("escaped.txt")).doesNotExist();
    assertThatThrownBy(() -> ArtifactDownload.entryPath(dir, "/etc/passwd"))
        .isInstanceOf(IOException.class);
    assertThat(ArtifactDownload.entryPath(dir, "a/../b.txt"))
        .isEqualTo(dir.toAbsolutePath().resolve("b.txt"));
  }

  @Test
  void aNameThatIsNotOnePathSegmentIsRefused() {
    for (String name : List.of("", ".", "..", "a/b", "a\\b")) {
      assertThatThrownBy(() -> ArtifactDownload.safeName(name))
          .as(name)
          .isInstanceOf(IOException.class);
    }
  }
}
