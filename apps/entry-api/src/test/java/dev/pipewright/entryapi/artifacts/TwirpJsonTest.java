package dev.pipewright.entryapi.artifacts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.pipewright.store.ArtifactRow;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Request and response bodies as @actions/artifact 2.x's protobuf-ts client writes and reads. */
class TwirpJsonTest {
  private static JsonNode json(String s) {
    return TwirpJson.parse(s.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void requestsAreReadWithProtoFieldNamesWrappersAndInt64Strings() {
    // upload-artifact.ts: CreateArtifactRequest.toJson(…, {useProtoFieldName: true}).
    TwirpJson.Create create =
        TwirpJson.create(
            json(
                "{\"workflow_run_backend_id\":\"r\",\"workflow_job_run_backend_id\":\"j\","
                    + "\"name\":\"dist\",\"expires_at\":\"2026-12-08T03:00:00.123Z\","
                    + "\"version\":4}"));
    TwirpJson.Finalize fin =
        TwirpJson.finalizeRequest(
            json("{\"name\":\"dist\",\"size\":\"123\",\"hash\":\"sha256:ab\"}"));
    TwirpJson.ListRequest list =
        TwirpJson.list(json("{\"workflowRunBackendId\":\"r\",\"id_filter\":\"9\"}"));

    assertThat(create.ids()).isEqualTo(new TwirpJson.Ids("r", "j"));
    assertThat(create.expiresAt()).contains(Instant.parse("2026-12-08T03:00:00.123Z"));
    assertThat(create.version()).isEqualTo(4);
    assertThat(fin.size()).isEqualTo(123);
    assertThat(fin.hash()).contains("sha256:ab");
    assertThat(list.ids().runBackendId()).isEqualTo("r");
    assertThat(list.idFilter()).contains(9L);
    assertThat(list.nameFilter()).isEmpty();
  }

  @Test
  void malformedRequestsAreInvalidArguments() {
    assertThatThrownBy(() -> TwirpJson.parse("[]".getBytes())).hasMessageContaining("object");
    assertThatThrownBy(() -> TwirpJson.parse("{".getBytes())).hasMessageContaining("not JSON");
    assertThatThrownBy(() -> TwirpJson.finalizeRequest(json("{\"size\":\"x\"}")))
        .hasMessageContaining("size is not an integer");
    assertThatThrownBy(() -> TwirpJson.create(json("{\"expires_at\":\"tomorrow\"}")))
        .hasMessageContaining("expires_at");
  }

  @Test
  void listedArtifactsHaveTheFieldsListArtifactsResponseDeclares() {
    UUID build = UUID.randomUUID();
    ArtifactRow row =
        new ArtifactRow(
            5,
            build,
            "build",
            "dist",
            Optional.of("ab".repeat(32)),
            Optional.of(10L),
            Instant.parse("2026-12-07T03:00:00Z"),
            Optional.of(Instant.parse("2026-12-07T03:01:00Z")),
            Instant.parse("2026-12-08T03:00:00Z"));

    JsonNode out = TwirpJson.artifacts(List.of(row), a -> "job-id");

    JsonNode a = out.get("artifacts").get(0);
    assertThat(a.get("workflow_run_backend_id").asText()).isEqualTo(build.toString());
    assertThat(a.get("workflow_job_run_backend_id").asText()).isEqualTo("job-id");
    assertThat(a.get("database_id").asText()).isEqualTo("5");
    assertThat(a.get("size").asText()).isEqualTo("10");
    assertThat(a.get("created_at").asText()).isEqualTo("2026-12-07T03:00:00Z");
    assertThat(a.get("digest").asText()).isEqualTo("sha256:" + "ab".repeat(32));
    assertThat(TwirpJson.okWithId(5).get("artifact_id").asText()).isEqualTo("5");
    assertThat(TwirpJson.error("not_found", "m").toString())
        .isEqualTo("{\"code\":\"not_found\",\"msg\":\"m\"}");
  }

  @Test
  void aBlockListIsReadInOrderAndADoctypeIsRefused() {
    String xml =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList><Latest>QQ==</Latest>"
            + "<Uncommitted>Qg==</Uncommitted><Latest>Qw==</Latest></BlockList>";
    assertThat(BlobRoutes.blockList(xml.getBytes())).containsExactly("QQ==", "Qg==", "Qw==");
    assertThatThrownBy(
            () ->
                BlobRoutes.blockList(
                    ("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]>"
                            + "<BlockList><Latest>&e;</Latest></BlockList>")
                        .getBytes()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> BlobRoutes.blockList("<Other/>".getBytes()))
        .hasMessageContaining("not a BlockList");
  }
}
