package dev.pipewright.executor.parity;

import dev.pipewright.executor.Annotation;
import dev.pipewright.executor.NeedResult;
import dev.pipewright.models.Conclusion;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * One parity case: a workflow, what the run is given, and what GitHub gives for it. The format is
 * described in {@code src/test/resources/parity/README.md}.
 */
record ParityCase(
    String name,
    String workflow,
    String job,
    List<String> requires,
    boolean containers,
    Map<String, String> secrets,
    Map<String, String> vars,
    Map<String, Object> matrix,
    Map<String, NeedResult> needs,
    Map<String, String> repository,
    String cancelOn,
    Expected expected) {

  /** What the job must come to. Null fields are not checked. */
  record Expected(
      String status,
      String error,
      String message,
      Map<String, String> outputs,
      Map<Integer, Step> steps,
      List<String> log,
      List<String> notLog) {}

  /** What one step must come to. Null fields are not checked. */
  record Step(
      String name,
      String status,
      String outcome,
      String conclusion,
      Integer exit,
      String error,
      String message,
      Map<String, String> outputs,
      String summary,
      List<Annotation> annotations,
      String action,
      List<String> subSteps,
      List<String> log,
      List<String> logMatches,
      List<String> notLog) {}

  static ParityCase load(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.UTF_8);
    Map<String, Object> m = map(new Load(LoadSettings.builder().build()).loadFromString(text));
    Map<String, Object> expect = map(m.get("expect"));
    Map<Integer, Step> steps = new LinkedHashMap<>();
    map(expect.get("steps")).forEach((n, s) -> steps.put(Integer.valueOf(n), step(map(s))));
    String fileName = file.getFileName().toString();
    return new ParityCase(
        fileName.substring(0, fileName.lastIndexOf('.')),
        (String) m.get("workflow"),
        m.containsKey("job") ? (String) m.get("job") : "test",
        strings(m.get("requires")),
        Boolean.TRUE.equals(m.get("containers")),
        stringMap(m.get("secrets")),
        stringMap(m.get("vars")),
        map(m.get("matrix")),
        needs(map(m.get("needs"))),
        stringMap(m.get("repository")),
        (String) m.get("cancelOn"),
        new Expected(
            (String) expect.get("status"),
            (String) expect.get("error"),
            (String) expect.get("message"),
            expect.containsKey("outputs") ? stringMap(expect.get("outputs")) : null,
            steps,
            strings(expect.get("log")),
            strings(expect.get("notLog"))));
  }

  private static Step step(Map<String, Object> s) {
    return new Step(
        (String) s.get("name"),
        (String) s.get("status"),
        (String) s.get("outcome"),
        (String) s.get("conclusion"),
        s.get("exit") == null ? null : ((Number) s.get("exit")).intValue(),
        (String) s.get("error"),
        (String) s.get("message"),
        s.containsKey("outputs") ? stringMap(s.get("outputs")) : null,
        (String) s.get("summary"),
        s.containsKey("annotations") ? annotations(s.get("annotations")) : null,
        (String) s.get("action"),
        s.containsKey("subSteps") ? strings(s.get("subSteps")) : null,
        strings(s.get("log")),
        strings(s.get("logMatches")),
        strings(s.get("notLog")));
  }

  /** {@code needs: {job: {result: success, outputs: {...}}}}: what the job sees of its needs. */
  private static Map<String, NeedResult> needs(Map<String, Object> spec) {
    Map<String, NeedResult> result = new LinkedHashMap<>();
    spec.forEach(
        (job, n) -> {
          Map<String, Object> need = map(n);
          Conclusion conclusion =
              Conclusion.valueOf(String.valueOf(need.get("result")).toUpperCase(Locale.ROOT));
          result.put(job, new NeedResult(conclusion, stringMap(need.get("outputs"))));
        });
    return result;
  }

  /**
   * {@code [{level: error, message: ..., file: ..., line: 3, col: 1, endLine: 4, endColumn: 2,
   * title: ...}]}, unset ones null.
   */
  private static List<Annotation> annotations(Object o) {
    List<Annotation> result = new ArrayList<>();
    for (Object item : o instanceof List<?> l ? l : List.of()) {
      Map<String, Object> a = map(item);
      result.add(
          new Annotation(
              Annotation.Level.valueOf(String.valueOf(a.get("level")).toUpperCase(Locale.ROOT)),
              (String) a.get("message"),
              (String) a.get("file"),
              number(a.get("line")),
              number(a.get("col")),
              number(a.get("endLine")),
              number(a.get("endColumn")),
              (String) a.get("title")));
    }
    return result;
  }

  private static Integer number(Object o) {
    return o == null ? null : ((Number) o).intValue();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    Map<String, Object> result = new LinkedHashMap<>();
    if (o instanceof Map<?, ?> m) {
      m.forEach((k, v) -> result.put(String.valueOf(k), v));
    }
    return result;
  }

  private static Map<String, String> stringMap(Object o) {
    Map<String, String> result = new LinkedHashMap<>();
    map(o).forEach((k, v) -> result.put(k, v == null ? "" : String.valueOf(v)));
    return result;
  }

  private static List<String> strings(Object o) {
    return o instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
  }
}
