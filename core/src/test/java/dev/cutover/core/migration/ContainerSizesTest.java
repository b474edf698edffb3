package dev.cutover.core.migration;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ContainerSizesTest {
  @ParameterizedTest
  @CsvSource({
      "eco, 512", "basic, 512", "standard-1X, 512", "Standard-2X, 1024", "performance-M, 4096",
      "performance-L, 15360", "Performance-L-RAM, 30720", "private-S, 1024", "shield-L, 15360"})
  void forDyno_knownSize_smallestContainerThatFits(String dyno, int mb) {
    assertThat(ContainerSizes.forDyno(dyno)).hasValue(mb);
  }

  @ParameterizedTest
  @CsvSource({"Mega-9X", "''"})
  void forDyno_unknownSize_empty(String dyno) {
    assertThat(ContainerSizes.forDyno(dyno)).isEmpty();
  }
}
