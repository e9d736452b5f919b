package dev.pipewright.ops.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pipewright.auth.Verdict;
import dev.pipewright.models.BuildStatus;
import dev.pipewright.models.JobStatus;
import dev.pipewright.models.StepStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PipewrightMetricsTest {
  private final PipewrightMetrics metrics = PipewrightMetrics.prometheus();

  @AfterEach
  void close() {
    metrics.close();
  }

  @Test
  void buildsByStatusWithDurations() {
    metrics.buildAdmitted();
    metrics.buildAdmitted();
    metrics.buildFinished(BuildStatus.SUCCEEDED, Duration.ofSeconds(3));
    metrics.buildFinished(BuildStatus.FAILED, Duration.ofSeconds(40));

    assertThat(metrics.scrape())
        .contains("pipewright_builds_admitted_total 2.0")
        .contains("pipewright_builds_total{status=\"succeeded\"} 1.0")
        .contains("pipewright_builds_total{status=\"failed\"} 1.0")
        .contains("pipewright_builds_total{status=\"cancelled\"} 0.0")
        .doesNotContain("pipewright_builds_total{status=\"running\"}")
        .contains("# TYPE pipewright_build_duration_seconds histogram")
        .contains("pipewright_build_duration_seconds_bucket{status=\"succeeded\",le=\"5.0\"} 1")
        .contains("pipewright_build_duration_seconds_bucket{status=\"succeeded\",le=\"1.0\"} 0")
        .contains("pipewright_build_duration_seconds_count{status=\"failed\"} 1")
        .contains("pipewright_build_duration_seconds_sum{status=\"failed\"} 40.0");
  }

  @Test
  void jobsStepsAndLags() {
    metrics.jobFinished(JobStatus.SKIPPED, Duration.ZERO);
    metrics.jobFinished(JobStatus.SUCCEEDED, Duration.ofMillis(1500));
    metrics.stepFinished(StepStatus.SUCCEEDED, Duration.ofMillis(200));
    metrics.stepFinished(StepStatus.SUCCEEDED, Duration.ofMillis(300));
    metrics.admissionLag(Duration.ofMillis(40));
    metrics.queueLag(Duration.ofMillis(700));
    metrics.reconcileLatency(Duration.ofMillis(3));

    assertThat(metrics.scrape())
        .contains("pipewright_jobs_total{status=\"skipped\"} 1.0")
        .contains("pipewright_jobs_total{status=\"succeeded\"} 1.0")
        .contains("pipewright_job_duration_seconds_sum{status=\"succeeded\"} 1.5")
        .contains("pipewright_steps_total{status=\"succeeded\"} 2.0")
        .contains("pipewright_step_duration_seconds_bucket{status=\"succeeded\",le=\"0.5\"} 2")
        .contains("pipewright_admission_lag_seconds_bucket{le=\"0.05\"} 1")
        .contains("pipewright_queue_lag_seconds_bucket{le=\"0.5\"} 0")
        .contains("pipewright_queue_lag_seconds_bucket{le=\"1.0\"} 1")
        .contains("pipewright_reconcile_duration_seconds_count 1");
  }

  @Test
  void gaugesLogsAndErrors() {
    AtomicInteger running = new AtomicInteger(3);
    metrics.runningJobs(running::get);
    metrics.runningBuilds(() -> 1);
    metrics.logChunksWritten(4, 1024);
    metrics.logChunksWritten(1, 10);
    metrics.brokerError("publish");
    metrics.brokerError("publish");
    metrics.databaseError("claim");

    running.set(5);
    assertThat(metrics.scrape())
        .contains("pipewright_jobs_running 5.0")
        .contains("pipewright_builds_running 1.0")
        .contains("pipewright_log_chunks_total 5.0")
        .contains("pipewright_log_bytes_total 1034.0")
        .contains("pipewright_broker_errors_total{operation=\"publish\"} 2.0")
        .contains("pipewright_database_errors_total{operation=\"claim\"} 1.0");
  }

  @Test
  void authRefusalsByTransportAndReasonStartAtZero() {
    assertThat(metrics.scrape())
        .contains(
            "pipewright_auth_refused_total{reason=\"permission_denied\",transport=\"http\"} 0.0");
    metrics.authRefused(PipewrightMetrics.Transport.GRPC, Verdict.Refusal.UNAUTHENTICATED);
    metrics.authRefused(PipewrightMetrics.Transport.GRPC, Verdict.Refusal.UNAUTHENTICATED);
    metrics.authRefused(PipewrightMetrics.Transport.HTTP, Verdict.Refusal.PERMISSION_DENIED);
    assertThat(metrics.scrape())
        .contains(
            "pipewright_auth_refused_total{reason=\"unauthenticated\",transport=\"grpc\"} 2.0",
            "pipewright_auth_refused_total{reason=\"permission_denied\",transport=\"http\"} 1.0",
            "pipewright_auth_refused_total{reason=\"unauthenticated\",transport=\"http\"} 0.0");
  }

  @Test
  void jvmMetricsAreBound() {
    assertThat(metrics.scrape())
        .contains("jvm_memory_used_bytes{")
        .contains("jvm_threads_live_threads ")
        .contains("jvm_classes_loaded_classes ")
        .contains("process_uptime_seconds ")
        .contains("process_cpu_usage ");
  }

  @Test
  void otherRegistriesWorkButDoNotScrape() {
    SimpleMeterRegistry simple = new SimpleMeterRegistry();
    PipewrightMetrics plain = new PipewrightMetrics(simple);
    plain.buildFinished(BuildStatus.CANCELLED, Duration.ofSeconds(1));
    assertThat(simple.get("pipewright.builds").tag("status", "cancelled").counter().count())
        .isEqualTo(1.0);
    assertThat(simple.find("jvm.memory.used").meters()).isEmpty();
    assertThatThrownBy(plain::scrape).isInstanceOf(IllegalStateException.class);
  }
}
