package dev.pipewright.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fault and abuse suite: each scenario of {@link FaultScenarios} against real processes, the
 * machine's PostgreSQL and RabbitMQ, asserting nothing lost, nothing run twice, nothing leaked.
 * Their rows go to target/faults/ for bench's FaultTable to print. A restart this machine does not
 * allow is reported as a skipped test with the reason.
 */
class FaultsIT {
  private static final Logger LOG = LoggerFactory.getLogger(FaultsIT.class);
  private static final Path ROWS = Path.of("target", "faults");

  private static void check(String name) throws Exception {
    Figures figures = FaultScenarios.named(name).run().run();
    FaultScenarios.record(ROWS, name, figures);
    LOG.warn("{}", figures.row());
    figures.skipped().ifPresent(why -> Assumptions.abort(name + " skipped: " + why));
    assertThat(figures.clean()).as(figures.row()).isTrue();
  }

  @Test
  void killedWorkerMidStep() throws Exception {
    check("kill9");
  }

  @Test
  void killedWorkerDuringAQuietStep() throws Exception {
    check("kill9-quiet");
  }

  @Test
  void twoWorkersOnOneBuild() throws Exception {
    check("two-workers");
  }

  @Test
  void brokerStoppedWhileSubmitting() throws Exception {
    check("broker-submit");
  }

  @Test
  void brokerStoppedMidBuild() throws Exception {
    check("broker-mid-build");
  }

  @Test
  void databaseRestartedMidBuild() throws Exception {
    check("database-mid-build");
  }

  @Test
  void hostileInputs() throws Exception {
    check("hostile-inputs");
  }

  @Test
  void requestThatIsNotUtf8() throws Exception {
    check("invalid-utf8");
  }

  @Test
  void outputAbuse() throws Exception {
    check("output-abuse");
  }

  @Test
  void secretsInEveryEncoding() throws Exception {
    check("secrets");
  }

  @Test
  void cancelMidStep() throws Exception {
    check("cancel");
  }

  @Test
  void stepTimeout() throws Exception {
    check("timeout");
  }
}
