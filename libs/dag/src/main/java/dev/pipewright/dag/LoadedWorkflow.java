package dev.pipewright.dag;

import dev.pipewright.parser.spec.WorkflowSpec;

/** A workflow parsed and planned: the spec for running steps, the plan for ordering jobs. */
public record LoadedWorkflow(WorkflowSpec spec, Plan plan) {}
