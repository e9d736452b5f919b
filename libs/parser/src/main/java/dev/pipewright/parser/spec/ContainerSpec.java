package dev.pipewright.parser.spec;

import java.util.List;
import java.util.Map;

/** A job {@code container:} or one of its {@code services:}. */
public record ContainerSpec(
    String image,
    Map<String, String> credentials,
    Map<String, String> env,
    List<String> ports,
    List<String> volumes,
    String options) {}
