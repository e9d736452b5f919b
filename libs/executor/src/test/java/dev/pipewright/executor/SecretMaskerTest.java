package dev.pipewright.executor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SecretMaskerTest {

  @Test
  void masksEveryOccurrenceOfEverySecret() {
    SecretMasker m = new SecretMasker(List.of("hunter2", "s3cr3t"));
    assertThat(m.mask("password=hunter2 token=s3cr3t again hunter2"))
        .isEqualTo("password=*** token=*** again ***");
  }

  @Test
  void returnsTheSameInstanceWhenNothingMatches() {
    SecretMasker m = new SecretMasker(List.of("hunter2"));
    String line = "nothing to see here";
    assertThat(m.mask(line)).isSameAs(line);
    assertThat(m.containsSecret(line)).isFalse();
    assertThat(m.containsSecret("xhunter2x")).isTrue();
  }

  @Test
  void overlappingAndNestedSecretsBecomeOneMask() {
    SecretMasker m = new SecretMasker(List.of("abcd", "cdef", "bc"));
    assertThat(m.mask("xabcdefy")).isEqualTo("x***y");
    assertThat(m.mask("xbcx")).isEqualTo("x***x");
  }

  @Test
  void aLongMatchReachingBackOverEarlierMatchesBecomesOneMask() {
    SecretMasker m = new SecretMasker(List.of("ab", "f", "bcdefg"));
    assertThat(m.mask("abcdefgh")).isEqualTo("***h");
    // "cd" and "x" are found before "bcdexy" ends; its first char must not leak.
    assertThat(new SecretMasker(List.of("cd", "x", "bcdexy")).mask("abcdexyz")).isEqualTo("a***z");
  }

  @Test
  void failureLinksFindSecretsAfterPartialMatches() {
    SecretMasker m = new SecretMasker(List.of("aab", "ab"));
    assertThat(m.mask("aaab")).isEqualTo("a***");
    assertThat(m.mask("aaaab")).isEqualTo("aa***");
  }

  @Test
  void multiLineSecretsAreMaskedLineByLine() {
    SecretMasker m = new SecretMasker(List.of("line-one\nline-two"));
    assertThat(m.mask("got line-two here")).isEqualTo("got *** here");
  }

  @Test
  void blankValuesAreIgnoredAndAddedValuesApplyFromThenOn() {
    SecretMasker m = new SecretMasker();
    m.add("");
    m.add("   ");
    assertThat(m.isEmpty()).isTrue();
    assertThat(m.mask("a b c")).isEqualTo("a b c");
    m.add("b");
    assertThat(m.mask("a b c")).isEqualTo("a *** c");
  }

  @Test
  void agreesWithANaiveMaskerOnRandomInput() {
    Random random = new Random(42);
    for (int round = 0; round < 300; round++) {
      List<String> secrets = new ArrayList<>();
      for (int i = 0; i < 1 + random.nextInt(4); i++) {
        secrets.add(randomText(random, 1 + random.nextInt(4)));
      }
      String text = randomText(random, 30);
      String masked = new SecretMasker(secrets).mask(text);
      boolean[] secret = naiveCoverage(text, secrets);
      // Every secret char is hidden and every other char survives, in order.
      StringBuilder kept = new StringBuilder();
      for (int i = 0; i < text.length(); i++) {
        if (!secret[i]) {
          kept.append(text.charAt(i));
        }
      }
      assertThat(masked.replace(SecretMasker.MASK, "")).isEqualTo(kept.toString());
      for (String s : secrets) {
        assertThat(masked).doesNotContain(s);
      }
    }
  }

  private static boolean[] naiveCoverage(String text, List<String> secrets) {
    boolean[] covered = new boolean[text.length()];
    for (String s : secrets) {
      var m = Pattern.compile(Pattern.quote(s)).matcher(text);
      int from = 0;
      while (from <= text.length() - s.length() && m.find(from)) {
        for (int i = m.start(); i < m.end(); i++) {
          covered[i] = true;
        }
        from = m.start() + 1;
      }
    }
    return covered;
  }

  private static String randomText(Random random, int length) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < length; i++) {
      sb.append((char) ('a' + random.nextInt(3)));
    }
    return sb.toString();
  }
}
