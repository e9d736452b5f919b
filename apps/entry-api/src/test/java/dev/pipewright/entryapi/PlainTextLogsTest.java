package dev.pipewright.entryapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class PlainTextLogsTest {
  private static final UUID ID = UUID.fromString("0f8fad5b-d9cb-469f-a165-70867728950e");

  @Test
  void readsTheBuildJobAndStepFromPathAndQuery() {
    assertThat(PlainTextLogs.parse("/builds/" + ID + "/logs", null))
        .isEqualTo(new PlainTextLogs.Selection(ID.toString(), null, null));
    assertThat(PlainTextLogs.parse("/builds/" + ID + "/logs", "job=unit%20tests&step=3"))
        .isEqualTo(new PlainTextLogs.Selection(ID.toString(), "unit tests", 3));
    assertThat(PlainTextLogs.parse("/builds/" + ID + "/logs", "job="))
        .isEqualTo(new PlainTextLogs.Selection(ID.toString(), null, null));
  }

  @Test
  void otherPathsAreNotLogs() {
    assertThat(PlainTextLogs.parse("/builds/" + ID, null)).isNull();
    assertThat(PlainTextLogs.parse("/builds/" + ID + "/x/logs", null)).isNull();
    assertThat(PlainTextLogs.parse("/healthz", null)).isNull();
  }

  @Test
  void rejectsABadStep() {
    assertThatThrownBy(() -> PlainTextLogs.parse("/builds/" + ID + "/logs", "job=a&step=x"))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("step");
    assertThatThrownBy(() -> PlainTextLogs.parse("/builds/" + ID + "/logs", "job=a&step=-1"))
        .isInstanceOf(BadRequestException.class);
    assertThatThrownBy(() -> PlainTextLogs.parse("/builds/" + ID + "/logs", "step=1"))
        .isInstanceOf(BadRequestException.class)
        .hasMessageContaining("needs a job");
  }
}
