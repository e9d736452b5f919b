package dev.pipewright.executor.host.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What every job's directories go through when the job and its build end. */
class TreesTest {
  @TempDir Path tmp;

  @Test
  void aTreeGoesWithItsNestedDirectoriesAndFiles() throws Exception {
    Path tree = tmp.resolve("build");
    Files.createDirectories(tree.resolve("job/temp/deep"));
    Files.writeString(tree.resolve("job/event.json"), "{}");
    Files.writeString(tree.resolve("job/temp/deep/step.sh"), "true");
    Files.createDirectories(tree.resolve("empty"));

    Trees.delete(tree);

    assertThat(tree).doesNotExist();
    assertThat(tmp).isEmptyDirectory();
  }

  @Test
  void aLinkAJobLeftGoesButNotWhatItPointsTo() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("keep.txt"), "kept");
    Path tree = Files.createDirectories(tmp.resolve("build/job"));
    Files.createSymbolicLink(tree.resolve("to-dir"), outside);
    Files.createSymbolicLink(tree.resolve("to-file"), outside.resolve("keep.txt"));
    Files.createSymbolicLink(tree.resolve("dangling"), tmp.resolve("nothing"));

    Trees.delete(tmp.resolve("build"));

    assertThat(tmp.resolve("build")).doesNotExist();
    assertThat(outside.resolve("keep.txt")).hasContent("kept");
  }

  @Test
  void aLinkInPlaceOfTheTreeGoesAloneAndAMissingTreeIsFine() throws Exception {
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("keep.txt"), "kept");
    Path link = Files.createSymbolicLink(tmp.resolve("workspace"), outside);

    Trees.delete(link);
    Trees.delete(tmp.resolve("never-made"));

    assertThat(link).doesNotExist();
    assertThat(outside.resolve("keep.txt")).hasContent("kept");
  }
}
