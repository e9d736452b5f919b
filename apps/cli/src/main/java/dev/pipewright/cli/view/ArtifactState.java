package dev.pipewright.cli.view;

import java.time.Instant;

/** What the CLI shows of an artifact of a build. */
public record ArtifactState(
    String name, long size, String sha256, String jobKey, Instant createdAt, Instant expiresAt) {}
