package dev.pipewright.cli.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Server;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** The training run of the launcher's class archive takes the path of calls that succeed. */
class ClientTrainingTest {
  @Test
  void everyTrainedCommandSucceedsAgainstTheTrainingServer() throws Exception {
    Server server = TrainingServer.start(0);
    try {
      assertThat(ClientTraining.train("127.0.0.1:" + server.getPort())).isEmpty();
    } finally {
      server.shutdownNow().awaitTermination();
    }
  }

  @Test
  void aCommandThatFailsIsReported() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }

    assertThat(ClientTraining.train("127.0.0.1:" + closed))
        .hasSize(3)
        .allSatisfy(line -> assertThat(line).contains("exit 1"));
  }

  @Test
  void theTrainingStartsAndStopsItsOwnServerProcess() throws Exception {
    assertThat(ClientTraining.trainAgainstChildServer()).isEmpty();
  }
}
