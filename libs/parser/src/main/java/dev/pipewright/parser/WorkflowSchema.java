package dev.pipewright.parser;

import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.CoreScalarResolver;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * YAML 1.2's core schema with a resolver that skips the regular expressions for a plain scalar no
 * pattern can match. SnakeYAML runs its empty-value pattern on every plain scalar, which allocates
 * a matcher each time and was the largest allocation of a large workflow's parse.
 */
final class WorkflowSchema extends CoreSchema {

  @Override
  public ScalarResolver getScalarResolver() {
    return new Resolver();
  }

  /**
   * The core resolver, answering "string" directly for a value whose first character starts no
   * pattern. The patterns SnakeYAML tries on every value match only the empty value and the nulls
   * ({@code ~}, {@code null}, {@code Null}, {@code NULL}, a lone space); WorkflowSchemaTest
   * compares both resolvers on every first character, so a SnakeYAML release that adds one is
   * noticed.
   */
  static final class Resolver extends CoreScalarResolver {
    private static final String NULL_STARTS = "~nN ";

    Resolver() {
      super(true);
    }

    @Override
    public Tag resolve(String value, Boolean implicit) {
      if (implicit && !value.isEmpty()) {
        char first = value.charAt(0);
        if (NULL_STARTS.indexOf(first) < 0 && !yamlImplicitResolvers.containsKey(first)) {
          return Tag.STR;
        }
      }
      return super.resolve(value, implicit);
    }
  }
}
