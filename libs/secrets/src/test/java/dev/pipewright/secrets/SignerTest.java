package dev.pipewright.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SignerTest {
  private static final String OLD = SecretKeys.newKeyLine("old");
  private static final String NEW = SecretKeys.newKeyLine("new");
  private static final byte[] DATA = "artifact 7 until 1700000000".getBytes(StandardCharsets.UTF_8);

  @Test
  void aSignatureVerifiesWithItsKeyAndPurposeOnly() {
    Signer urls = Signer.of(SecretKeys.parse(OLD, "f"), "url");
    Signer.Signature s = urls.sign(DATA);

    assertThat(s.keyId()).isEqualTo("old");
    assertThat(urls.verify("old", DATA, s.mac())).isTrue();
    assertThat(urls.verify("old", "artifact 8 until 1700000000".getBytes(), s.mac())).isFalse();
    assertThat(urls.verify("other", DATA, s.mac())).isFalse();
    assertThat(urls.verify(null, DATA, s.mac())).isFalse();
    assertThat(Signer.of(SecretKeys.parse(OLD, "f"), "token").verify("old", DATA, s.mac()))
        .isFalse();
    assertThat(
            Signer.of(SecretKeys.parse(SecretKeys.newKeyLine("old"), "f"), "url")
                .verify("old", DATA, s.mac()))
        .isFalse();
  }

  @Test
  void afterRotationTheNewKeySignsAndTheOldOneStillVerifies() {
    Signer.Signature before = Signer.of(SecretKeys.parse(OLD, "f"), "url").sign(DATA);
    Signer rotated = Signer.of(SecretKeys.parse(NEW + "\n" + OLD, "f"), "url");

    assertThat(rotated.signingKeyId()).isEqualTo("new");
    assertThat(rotated.sign(DATA).keyId()).isEqualTo("new");
    assertThat(rotated.verify("old", DATA, before.mac())).isTrue();
  }
}
