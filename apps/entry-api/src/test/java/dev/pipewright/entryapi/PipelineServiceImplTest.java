package dev.pipewright.entryapi;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import org.junit.jupiter.api.Test;

class PipelineServiceImplTest {
  @Test
  void onlyStoreFailuresCountAsDatabaseErrors() {
    assertThat(PipelineServiceImpl.storeFailure(Status.Code.UNAVAILABLE)).isTrue();
    assertThat(PipelineServiceImpl.storeFailure(Status.Code.INTERNAL)).isTrue();
    assertThat(PipelineServiceImpl.storeFailure(Status.Code.NOT_FOUND)).isFalse();
    assertThat(PipelineServiceImpl.storeFailure(Status.Code.INVALID_ARGUMENT)).isFalse();
  }
}
