package dev.pipewright.ops.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.status.Status;
import dev.pipewright.ops.config.LogFormat;
import dev.pipewright.ops.config.PipewrightConfig;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.stream.Collectors;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Applies the loaded configuration's log format and level to logback, replacing whatever
 * logback.xml set up: call it right after {@code ConfigLoader.load}, so a config file's {@code
 * log.format: json} wins over the environment-only start-up configuration.
 */
public final class LogSetup {
  /** The shared configuration, to {@code <include resource=.../>} from a logback.xml. */
  public static final String RESOURCE = "dev/pipewright/ops/logback-pipewright.xml";

  private LogSetup() {}

  /** Log lines to standard output (the services). */
  public static void apply(PipewrightConfig.Log settings) {
    apply(settings.format(), settings.level(), false);
  }

  /**
   * @param level a logback level name, e.g. {@code INFO}
   * @param toStderr write to standard error (the CLI, whose standard output is its result)
   */
  public static void apply(LogFormat format, String level, boolean toStderr) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      LoggerFactory.getLogger(LogSetup.class)
          .warn("Logging is not logback ({}); format and level left as they are", factory);
      return;
    }
    context.reset();
    context.putProperty("PIPEWRIGHT_LOG_FORMAT", format.name().toLowerCase(Locale.ROOT));
    context.putProperty("PIPEWRIGHT_LOG_LEVEL", level);
    context.putProperty("pipewright.log.target", toStderr ? "System.err" : "System.out");
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    String xml = "<configuration><include resource=\"" + RESOURCE + "\"/></configuration>";
    context.getStatusManager().clear();
    try {
      configurator.doConfigure(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    } catch (JoranException e) {
      throw new IllegalStateException("cannot configure logging from " + RESOURCE, e);
    }
    // Logback records most configuration mistakes as statuses rather than throwing.
    String errors =
        context.getStatusManager().getCopyOfStatusList().stream()
            .filter(status -> status.getLevel() == Status.ERROR)
            .map(Status::getMessage)
            .collect(Collectors.joining("; "));
    if (!errors.isEmpty()) {
      throw new IllegalStateException("cannot configure logging from " + RESOURCE + ": " + errors);
    }
  }
}
