package dev.pipewright.ops.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pipewright.ops.config.LogFormat;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Encodes events with the encoders of the shipped configuration, as the appenders would. */
class LogSetupTest {
  private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();

  @AfterEach
  void restore() {
    LogSetup.apply(LogFormat.TEXT, "WARN", false);
  }

  @Test
  void jsonLinesCarryTheBuildAndJobKeys() throws Exception {
    LogSetup.apply(LogFormat.JSON, "DEBUG", false);
    assertThat(root().getLevel()).isEqualTo(Level.DEBUG);

    String line;
    try (var scope = BuildMdc.open("b-42", "test (linux)")) {
      line = encode("json", event("step {} finished with \"{}\"", "compile", "ok\n"));
    }

    assertThat(line).endsWith("\n").doesNotContain("\n{");
    JsonNode json = new ObjectMapper().readTree(line);
    assertThat(json.get("level").asText()).isEqualTo("INFO");
    assertThat(json.get("loggerName").asText()).isEqualTo("dev.pipewright.test");
    assertThat(json.get("formattedMessage").asText())
        .isEqualTo("step compile finished with \"ok\n\"");
    assertThat(json.get("mdc").get("build_id").asText()).isEqualTo("b-42");
    assertThat(json.get("mdc").get("job_key").asText()).isEqualTo("test (linux)");
    assertThat(json.get("timestamp").asLong()).isPositive();
    assertThat(json.has("context")).isFalse();
    assertThat(json.has("sequenceNumber")).isFalse();
  }

  @Test
  void textLinesShowTheKeysOnlyWhenSet() {
    LogSetup.apply(LogFormat.TEXT, "WARN", true);
    assertThat(root().getLevel()).isEqualTo(Level.WARN);

    String with;
    try (var scope = BuildMdc.open("b-7")) {
      with = encode("text", event("claimed"));
    }
    String without = encode("text", event("idle"));

    assertThat(with)
        .matches(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\S+ INFO  \\[\\S+\\]"
                + " dev.pipewright.test build_id=b-7 - claimed\\R");
    assertThat(without).endsWith(" dev.pipewright.test - idle" + System.lineSeparator());
  }

  private Logger root() {
    return context.getLogger(Logger.ROOT_LOGGER_NAME);
  }

  private ILoggingEvent event(String message, Object... args) {
    LoggingEvent e =
        new LoggingEvent(
            Logger.class.getName(),
            context.getLogger("dev.pipewright.test"),
            Level.INFO,
            message,
            null,
            args);
    e.prepareForDeferredProcessing(); // snapshots the MDC now, inside the scope
    return e;
  }

  private String encode(String appender, ILoggingEvent event) {
    @SuppressWarnings("unchecked")
    OutputStreamAppender<ILoggingEvent> a =
        (OutputStreamAppender<ILoggingEvent>) root().getAppender(appender);
    assertThat(a).as("appender " + appender + " attached to root").isNotNull();
    return new String(a.getEncoder().encode(event), StandardCharsets.UTF_8);
  }
}
