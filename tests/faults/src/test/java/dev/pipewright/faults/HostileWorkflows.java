package dev.pipewright.faults;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Workflow texts an attacker or a broken generator sends: nesting far past any parser's stack, an
 * alias bomb, one huge value, more values than a parse may hold, and files of 1.1 to 50 MB. Used by
 * the fault suite and by bench/'s HostileInputBench.
 */
public final class HostileWorkflows {
  private static final String JOBS = "jobs:\n  a:\n    runs-on: x\n    steps: [{run: echo}]\n";

  private HostileWorkflows() {}

  /** Each hostile text by a short name, in a fixed order. */
  public static Map<String, String> all() {
    Map<String, String> texts = new LinkedHashMap<>();
    texts.put("flow nesting 10,000", header("env: " + "[".repeat(10_000) + "]".repeat(10_000)));
    texts.put("block nesting 10,000", header("env:\n  " + "- ".repeat(10_000) + "x"));
    texts.put("indented nesting 1,400", indented(1_400));
    texts.put("billion laughs", billionLaughs());
    texts.put(
        "expression nesting 10,000",
        "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n      - run: ${{ "
            + "(".repeat(10_000)
            + "1"
            + ")".repeat(10_000)
            + " }}\n");
    texts.put("one 512 KiB value", header("env:\n  A: " + "x".repeat(512 << 10)));
    texts.put("1 MB of small jobs", jobs(1_000_000));
    texts.put("1.1 MB file", jobs(1_100_000));
    for (int megabytes : new int[] {5, 10, 20, 50}) {
      texts.put(megabytes + " MB file", jobs(megabytes * 1_000_000));
    }
    return texts;
  }

  private static String header(String rest) {
    return "on: push\n" + JOBS + rest + "\n";
  }

  /** A mapping per line, each indented one more space: deep nesting in plain block style. */
  private static String indented(int levels) {
    StringBuilder yaml = new StringBuilder("on: push\n" + JOBS + "env:\n");
    for (int level = 0; level < levels; level++) {
      yaml.append(" ".repeat(level + 1)).append('k').append(level).append(":\n");
    }
    return yaml.toString();
  }

  /** Nine levels of anchors, each a list of nine aliases of the level before: 9^9 values. */
  private static String billionLaughs() {
    StringBuilder yaml = new StringBuilder("on: push\n" + JOBS + "l0: &l0 [lol, lol, lol]\n");
    for (int level = 1; level < 10; level++) {
      yaml.append('l').append(level).append(": &l").append(level).append(" [");
      yaml.append(("*l" + (level - 1) + ", ").repeat(8)).append("*l").append(level - 1);
      yaml.append("]\n");
    }
    return yaml.toString();
  }

  /** Small valid jobs up to {@code bytes}: about 9 values per 50 bytes. */
  private static String jobs(int bytes) {
    StringBuilder yaml = new StringBuilder(bytes + 100).append("on: push\njobs:\n");
    for (int i = 0; yaml.length() < bytes; i++) {
      yaml.append("  j").append(i).append(":\n    runs-on: x\n    steps:\n      - run: echo ");
      yaml.append(i).append('\n');
    }
    return yaml.toString();
  }
}
