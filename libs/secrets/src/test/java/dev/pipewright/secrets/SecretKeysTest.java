package dev.pipewright.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretKeysTest {
  private static final String KEY_32 = Base64.getEncoder().encodeToString(new byte[32]);

  @Test
  void theFirstKeySealsAndCommentsAndBlankLinesAreSkipped() {
    SecretKeys keys =
        SecretKeys.parse(
            "# rotated 2026-12-07\n\n  new:" + KEY_32 + "  \r\nold.1_x-y:" + KEY_32 + "\n", "f");

    assertThat(keys.sealingId()).isEqualTo("new");
    assertThat(keys.ids()).containsExactly("new", "old.1_x-y");
    assertThat(keys.toString()).isEqualTo("SecretKeys[new, old.1_x-y]").doesNotContain(KEY_32);
  }

  @Test
  void aNewKeyLineParsesToOneKeyOf32RandomBytes() {
    String line = SecretKeys.newKeyLine("k1");

    assertThat(line).matches("k1:[A-Za-z0-9+/]{43}=");
    assertThat(SecretKeys.parse(line, "f").ids()).containsExactly("k1");
    assertThat(SecretKeys.newKeyLine("k1")).isNotEqualTo(line);
    assertThatThrownBy(() -> SecretKeys.newKeyLine("no spaces"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void malformedFilesAreRefusedWithTheirLine() {
    assertThatThrownBy(() -> SecretKeys.parse("k1:" + KEY_32 + "\n" + KEY_32, "keys.txt"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("secret key file keys.txt line 2: expected <key id>:<base64 of 32 bytes>");
    assertThatThrownBy(() -> SecretKeys.parse("k1:not base64!", "f"))
        .hasMessage("secret key file f line 1: key k1 is not base64");
    assertThatThrownBy(() -> SecretKeys.parse("k1:AAAA", "f"))
        .hasMessage("secret key file f line 1: key k1 is 3 bytes; AES-256 needs 32");
    assertThatThrownBy(() -> SecretKeys.parse("k1:" + KEY_32 + "\nk1:" + KEY_32, "f"))
        .hasMessage("secret key file f line 2: key id k1 appears twice");
    assertThatThrownBy(() -> SecretKeys.parse("bad id:" + KEY_32, "f"))
        .hasMessageContaining("key id 'bad id' must be");
    assertThatThrownBy(() -> SecretKeys.parse("# nothing\n", "f"))
        .hasMessage("secret key file f holds no key");
  }

  @Test
  void loadReadsTheFileAndNamesAMissingOne(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("key");
    Files.writeString(file, SecretKeys.newKeyLine("k1") + "\n");

    assertThat(SecretKeys.load(file).ids()).containsExactly("k1");
    assertThatThrownBy(() -> SecretKeys.load(dir.resolve("missing")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("secret key file " + dir.resolve("missing") + ": no such file");
  }
}
