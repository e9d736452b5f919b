package dev.pipewright.expressions;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ValuesTest {

  @Test
  void falsyValuesAreFalseZeroMinusZeroEmptyNullAndNaN() {
    assertThat(Values.truthy(false)).isFalse();
    assertThat(Values.truthy(0d)).isFalse();
    assertThat(Values.truthy(-0d)).isFalse();
    assertThat(Values.truthy("")).isFalse();
    assertThat(Values.truthy(null)).isFalse();
    assertThat(Values.truthy(Double.NaN)).isFalse();
    assertThat(Values.truthy(true)).isTrue();
    assertThat(Values.truthy(0.1)).isTrue();
    assertThat(Values.truthy("false")).isTrue();
    assertThat(Values.truthy(" ")).isTrue();
    assertThat(Values.truthy(List.of())).isTrue();
    assertThat(Values.truthy(Map.of())).isTrue();
    assertThat(Values.truthy(3)).isTrue();
  }

  @Test
  void numberCoercionTableFromTheDocs() {
    assertThat(Values.toNumber(null)).isZero();
    assertThat(Values.toNumber(true)).isEqualTo(1d);
    assertThat(Values.toNumber(false)).isZero();
    assertThat(Values.toNumber("")).isZero();
    assertThat(Values.toNumber("  ")).isZero();
    assertThat(Values.toNumber("42")).isEqualTo(42d);
    assertThat(Values.toNumber(" -1.5e2 ")).isEqualTo(-150d);
    assertThat(Values.toNumber("0xff")).isEqualTo(255d);
    assertThat(Values.toNumber("0o17")).isEqualTo(15d);
    assertThat(Values.toNumber(".5")).isEqualTo(0.5);
    assertThat(Values.toNumber("Infinity")).isEqualTo(Double.POSITIVE_INFINITY);
    assertThat(Values.toNumber("-Infinity")).isEqualTo(Double.NEGATIVE_INFINITY);
    assertThat(Values.toNumber("abc")).isNaN();
    assertThat(Values.toNumber("1f")).isNaN();
    assertThat(Values.toNumber("1,000")).isNaN();
    assertThat(Values.toNumber(List.of())).isNaN();
    assertThat(Values.toNumber(Map.of())).isNaN();
    assertThat(Values.toNumber(7L)).isEqualTo(7d);
    assertThat(Values.toNumber(new BigDecimal("2.5"))).isEqualTo(2.5);
  }

  @Test
  void hexAndOctalFollowTheRunnersInt32Parsing() {
    assertThat(Values.toNumber("0x7fffffff")).isEqualTo(2147483647d);
    assertThat(Values.toNumber("0xffffffff")).isEqualTo(-1d);
    assertThat(Values.toNumber("0x100000000")).isNaN();
    assertThat(Values.toNumber("0xfg")).isNaN();
    assertThat(Values.toNumber("0o8")).isNaN();
  }

  @ParameterizedTest
  @CsvSource({
    "0, 0",
    "1, 1",
    "-1, -1",
    "1.5, 1.5",
    "-9.2, -9.2",
    "-0.0299, -0.0299",
    "0.1, 0.1",
    "0.0001, 0.0001",
    "0.00001, 1E-05",
    "123456789012345, 123456789012345",
    "1000000000000000, 1E+15",
    "0.3333333333333333, 0.333333333333333",
    "123456789012345678, 1.23456789012346E+17",
    "1e100, 1E+100",
  })
  void numbersPrintLikeDotNetG15(double value, String expected) {
    assertThat(Values.toDisplayString(value)).isEqualTo(expected);
  }

  @Test
  void displayStringsOfEveryKind() {
    assertThat(Values.toDisplayString(null)).isEmpty();
    assertThat(Values.toDisplayString(true)).isEqualTo("true");
    assertThat(Values.toDisplayString(false)).isEqualTo("false");
    assertThat(Values.toDisplayString(20)).isEqualTo("20");
    assertThat(Values.toDisplayString(Double.NaN)).isEqualTo("NaN");
    assertThat(Values.toDisplayString(Double.POSITIVE_INFINITY)).isEqualTo("Infinity");
    assertThat(Values.toDisplayString(Double.NEGATIVE_INFINITY)).isEqualTo("-Infinity");
    assertThat(Values.toDisplayString("x")).isEqualTo("x");
    assertThat(Values.toDisplayString(List.of(1))).isEqualTo("Array");
    assertThat(Values.toDisplayString(Map.of("a", 1))).isEqualTo("Object");
  }

  @Test
  void looseEqualityCoercesMismatchedKindsToNumbers() {
    assertThat(Values.looseEquals(null, null)).isTrue();
    assertThat(Values.looseEquals(null, 0d)).isTrue();
    assertThat(Values.looseEquals(null, "")).isTrue();
    assertThat(Values.looseEquals(null, false)).isTrue();
    assertThat(Values.looseEquals(true, 1d)).isTrue();
    assertThat(Values.looseEquals(true, "1")).isTrue();
    assertThat(Values.looseEquals(false, "0")).isTrue();
    assertThat(Values.looseEquals(true, "true")).isFalse();
    assertThat(Values.looseEquals("1.0", 1d)).isTrue();
    assertThat(Values.looseEquals(" 2 ", 2)).isTrue();
    assertThat(Values.looseEquals("abc", "ABC")).isTrue();
    assertThat(Values.looseEquals("abc", "abd")).isFalse();
    assertThat(Values.looseEquals(Double.NaN, Double.NaN)).isFalse();
    assertThat(Values.looseEquals("abc", Double.NaN)).isFalse();
    assertThat(Values.looseEquals(-0d, 0d)).isTrue();
  }

  @Test
  void arraysAndObjectsAreEqualOnlyToThemselves() {
    List<Object> list = new ArrayList<>(List.of(1));
    Map<String, Object> map = Map.of("a", 1);
    assertThat(Values.looseEquals(list, list)).isTrue();
    assertThat(Values.looseEquals(list, new ArrayList<>(List.of(1)))).isFalse();
    assertThat(Values.looseEquals(map, map)).isTrue();
    assertThat(Values.looseEquals(map, Map.of("a", 1))).isFalse();
    assertThat(Values.looseEquals(list, null)).isFalse();
    assertThat(Values.looseEquals(map, "Object")).isFalse();
    assertThat(Values.lessOrEqual(list, list)).isTrue();
    assertThat(Values.lessThan(list, list)).isFalse();
  }

  @Test
  void orderingUsesTheSameCoercionsAndNaNIsNeverOrdered() {
    assertThat(Values.lessThan(false, true)).isTrue();
    assertThat(Values.lessThan(1, 2)).isTrue();
    assertThat(Values.lessThan("abc", "DEF")).isTrue();
    assertThat(Values.greaterThan("b", "A")).isTrue();
    assertThat(Values.lessThan("2", 10)).isTrue();
    assertThat(Values.lessThan(null, 1)).isTrue();
    assertThat(Values.lessThan(-0d, 0d)).isFalse();
    assertThat(Values.lessThan(Double.NaN, 1)).isFalse();
    assertThat(Values.greaterThan(Double.NaN, 1)).isFalse();
    assertThat(Values.lessOrEqual("x", 1)).isFalse();
    assertThat(Values.greaterOrEqual("x", 1)).isFalse();
    assertThat(Values.lessOrEqual(null, null)).isTrue();
    assertThat(Values.lessThan(null, null)).isFalse();
  }

  @Test
  void kindsOfJavaValues() {
    assertThat(Values.kind(3)).isEqualTo(Values.Kind.NUMBER);
    assertThat(Values.kind(new StringBuilder("s"))).isEqualTo(Values.Kind.STRING);
    assertThat(Values.kind(new Object[] {1})).isEqualTo(Values.Kind.ARRAY);
    assertThat(Values.kind(java.util.Set.of(1))).isEqualTo(Values.Kind.ARRAY);
    assertThat(Values.kind(Map.of())).isEqualTo(Values.Kind.OBJECT);
    assertThat(Values.canonical(5)).isEqualTo(5d);
  }
}
