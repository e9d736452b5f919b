package dev.pipewright.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretBoxTest {
  private static final String BUILD = "3f0c2a8e-1d2b-4c5d-9e8f-0a1b2c3d4e5f";
  private final String oldLine = SecretKeys.newKeyLine("k1");
  private final String newLine = SecretKeys.newKeyLine("k2");
  private final SecretBox box = new SecretBox(SecretKeys.parse(oldLine, "test"));

  @Test
  void aSealedValueOpensForItsBuildAndName() {
    String value = "Hunter2 ünïcode \n\"quoted\"";
    String sealed = box.seal(BUILD, "TOKEN", value);

    assertThat(sealed).startsWith("pws1:k1:").doesNotContain(value);
    assertThat(box.open(BUILD, "TOKEN", sealed)).isEqualTo(value);
    assertThat(box.open(BUILD, "EMPTY", box.seal(BUILD, "EMPTY", ""))).isEmpty();
  }

  @Test
  void eachSealingDrawsAFreshNonce() {
    assertThat(box.seal(BUILD, "TOKEN", "same")).isNotEqualTo(box.seal(BUILD, "TOKEN", "same"));
  }

  @Test
  void theCiphertextHoldsNoEncodingOfTheValue() {
    String value = "correct horse battery staple";
    String sealed = box.seal(BUILD, "TOKEN", value);
    String base64 = Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));

    assertThat(sealed).doesNotContain(value).doesNotContain(base64.substring(0, 12));
  }

  @Test
  void aValueMovedToAnotherBuildOrNameDoesNotOpen() {
    String sealed = box.seal(BUILD, "TOKEN", "s3cr3t");

    assertThatThrownBy(() -> box.open("another-build", "TOKEN", sealed))
        .isInstanceOf(SecretException.class)
        .hasMessage(
            "secret TOKEN does not open with key k1: it was altered, or sealed for another build"
                + " or name")
        .hasMessageNotContaining("s3cr3t");
    assertThatThrownBy(() -> box.open(BUILD, "OTHER", sealed))
        .isInstanceOf(SecretException.class)
        .hasMessageContaining("sealed for another build or name");
  }

  @Test
  void anAlteredCiphertextDoesNotOpen() {
    String sealed = box.seal(BUILD, "TOKEN", "s3cr3t");
    String data = sealed.substring("pws1:k1:".length());
    byte[] bytes = Base64.getDecoder().decode(data);
    for (int i : new int[] {0, 12, bytes.length - 1}) { // nonce, ciphertext, tag
      byte[] altered = bytes.clone();
      altered[i] ^= 1;
      String tampered = "pws1:k1:" + Base64.getEncoder().encodeToString(altered);
      assertThatThrownBy(() -> box.open(BUILD, "TOKEN", tampered))
          .as("byte %d", i)
          .isInstanceOf(SecretException.class)
          .hasMessageContaining("it was altered");
    }
  }

  @Test
  void aValueRelabelledWithAnotherLoadedKeyDoesNotOpen() {
    SecretBox both = new SecretBox(SecretKeys.parse(newLine + "\n" + oldLine, "test"));
    String sealed = both.seal(BUILD, "TOKEN", "s3cr3t");
    String relabelled = sealed.replace("pws1:k2:", "pws1:k1:");

    assertThatThrownBy(() -> both.open(BUILD, "TOKEN", relabelled))
        .isInstanceOf(SecretException.class)
        .hasMessageContaining("does not open with key k1");
  }

  @Test
  void aValueSealedWithAKeyThatIsNotLoadedNamesThatKey() {
    String sealed = box.seal(BUILD, "TOKEN", "s3cr3t");
    SecretBox other = new SecretBox(SecretKeys.parse(newLine, "test"));

    assertThatThrownBy(() -> other.open(BUILD, "TOKEN", sealed))
        .isInstanceOf(SecretException.class)
        .hasMessage(
            "secret TOKEN was sealed with key k1, which is not among the loaded keys [k2]: put"
                + " that key back in the key file (below the sealing one)");
  }

  @Test
  void malformedValuesAreRefused() {
    for (String bad :
        new String[] {null, "", "s3cr3t", "pws1:k1:", "pws1:k1:AAAA", "pws2:k1:AAAA"}) {
      assertThatThrownBy(() -> box.open(BUILD, "TOKEN", bad))
          .as(String.valueOf(bad))
          .isInstanceOf(SecretException.class)
          .hasMessageStartingWith("secret TOKEN is ");
    }
  }

  @Test
  void rotationSealsWithTheNewKeyAndStillOpensTheOldOnes() {
    String sealedBefore = box.seal(BUILD, "TOKEN", "before");
    SecretBox rotated = new SecretBox(SecretKeys.parse(newLine + "\n" + oldLine, "test"));

    String sealedAfter = rotated.seal(BUILD, "TOKEN", "after");

    assertThat(sealedAfter).startsWith("pws1:k2:");
    assertThat(rotated.open(BUILD, "TOKEN", sealedBefore)).isEqualTo("before");
    assertThat(rotated.open(BUILD, "TOKEN", sealedAfter)).isEqualTo("after");
    // Retiring k1 once nothing sealed with it is left: k2's values still open.
    SecretBox retired = new SecretBox(SecretKeys.parse(newLine, "test"));
    assertThat(retired.open(BUILD, "TOKEN", sealedAfter)).isEqualTo("after");
    assertThatThrownBy(() -> retired.open(BUILD, "TOKEN", sealedBefore))
        .hasMessageContaining("sealed with key k1");
  }
}
