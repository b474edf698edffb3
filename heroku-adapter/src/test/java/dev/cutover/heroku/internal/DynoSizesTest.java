package dev.cutover.heroku.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DynoSizesTest {
  @ParameterizedTest
  @CsvSource({
      "eco, 512", "basic, 512", "standard-1X, 512", "Standard-2X, 1024", "performance-M, 2560",
      "performance-L, 14336", "Performance-L-RAM, 30720", "private-S, 1024", "shield-L, 14336"})
  void memoryMb_knownSize_theDynosMemory(String dyno, int mb) {
    assertThat(DynoSizes.memoryMb(dyno)).hasValue(mb);
  }

  @ParameterizedTest
  @CsvSource({"Mega-9X", "''"})
  void memoryMb_unknownSize_empty(String dyno) {
    assertThat(DynoSizes.memoryMb(dyno)).isEmpty();
  }
}
