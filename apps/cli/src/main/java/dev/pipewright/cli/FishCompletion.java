package dev.pipewright.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A fish completion script made from the command model (picocli's AutoComplete writes bash and zsh
 * only): every subcommand, at any depth, with its description, and every option with its
 * candidates, so the script cannot drift from the commands. Pure: returns the script.
 */
final class FishCompletion {
  private FishCompletion() {}

  static String script(CommandLine root) {
    String name = root.getCommandName();
    List<String> lines = new ArrayList<>();
    lines.add("# fish completion for " + name + ": " + name + " completion fish | source");
    add(lines, name, root, List.of());
    return String.join("\n", lines) + "\n";
  }

  private static void add(
      List<String> lines, String program, CommandLine command, List<String> path) {
    String here = condition(path);
    Map<String, CommandLine> children = command.getSubcommands();
    String childNames = String.join(" ", children.keySet());
    for (Map.Entry<String, CommandLine> child : children.entrySet()) {
      String notYet =
          path.isEmpty()
              ? "__fish_use_subcommand"
              : here + "; and not __fish_seen_subcommand_from " + childNames;
      lines.add(
          "complete -c "
              + program
              + " -f -n "
              + quote(notYet)
              + " -a "
              + quote(child.getKey())
              + " -d "
              + quote(summary(child.getValue().getCommandSpec())));
    }
    if (!path.isEmpty()) {
      for (OptionSpec option : command.getCommandSpec().options()) {
        if (!option.hidden()) {
          lines.add(option(program, here, option));
        }
      }
    }
    for (Map.Entry<String, CommandLine> child : children.entrySet()) {
      List<String> childPath = new ArrayList<>(path);
      childPath.add(child.getKey());
      add(lines, program, child.getValue(), childPath);
    }
  }

  private static String option(String program, String condition, OptionSpec option) {
    StringBuilder line = new StringBuilder("complete -c ").append(program);
    line.append(" -n ").append(quote(condition));
    for (String name : option.names()) {
      if (name.startsWith("--")) {
        line.append(" -l ").append(name.substring(2));
      } else if (name.length() == 2) {
        line.append(" -s ").append(name.substring(1));
      }
    }
    if (option.arity().max() > 0) {
      if (Path.class.isAssignableFrom(option.type())) {
        line.append(" -r -F");
      } else {
        line.append(" -x");
        List<String> candidates = new ArrayList<>();
        if (option.completionCandidates() != null) {
          option.completionCandidates().forEach(candidates::add);
        }
        if (!candidates.isEmpty()) {
          line.append(" -a ").append(quote(String.join(" ", candidates)));
        }
      }
    }
    String[] description = option.description();
    if (description.length > 0) {
      line.append(" -d ").append(quote(firstSentence(description[0])));
    }
    return line.toString();
  }

  /** Each command of the path seen on the line: fish's test that the user is in that command. */
  private static String condition(List<String> path) {
    return path.stream()
        .map(p -> "__fish_seen_subcommand_from " + p)
        .collect(Collectors.joining("; and "));
  }

  private static String summary(CommandSpec spec) {
    String[] description = spec.usageMessage().description();
    return description.length == 0 ? "" : firstSentence(description[0]);
  }

  private static String firstSentence(String text) {
    String plain = text.replaceAll("\\$\\{[^}]*}", "").replaceAll("\\s+", " ").strip();
    int stop = plain.indexOf(". ");
    String sentence = stop < 0 ? plain : plain.substring(0, stop);
    return sentence.endsWith(".") ? sentence.substring(0, sentence.length() - 1) : sentence;
  }

  private static String quote(String text) {
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
