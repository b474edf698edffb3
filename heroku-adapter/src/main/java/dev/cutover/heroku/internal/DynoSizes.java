package dev.cutover.heroku.internal;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Heroku's dyno sizes and their memory: the one place this Heroku rule lives. Not API. */
public final class DynoSizes {
  /** Dyno memory in MB, by lower-case dyno size name. */
  private static final Map<String, Integer> MEMORY_MB = Map.ofEntries(
      Map.entry("free", 512), Map.entry("hobby", 512), Map.entry("eco", 512), Map.entry("basic", 512),
      Map.entry("standard-1x", 512), Map.entry("standard-2x", 1024),
      Map.entry("performance-m", 2560), Map.entry("performance-l", 14336),
      Map.entry("performance-l-ram", 30720), Map.entry("performance-xl", 63488), Map.entry("performance-2xl", 129024),
      Map.entry("private-s", 1024), Map.entry("private-m", 2560), Map.entry("private-l", 14336),
      Map.entry("private-l-ram", 30720), Map.entry("private-xl", 63488), Map.entry("private-2xl", 129024),
      Map.entry("shield-s", 1024), Map.entry("shield-m", 2560), Map.entry("shield-l", 14336),
      Map.entry("shield-l-ram", 30720), Map.entry("shield-xl", 63488), Map.entry("shield-2xl", 129024));

  private DynoSizes() {}

  /** The memory of {@code dynoSize} (any case, e.g. {@code Standard-2X}) in MB, when the size is known. */
  public static Optional<Integer> memoryMb(String dynoSize) {
    return Optional.ofNullable(MEMORY_MB.get(dynoSize.toLowerCase(Locale.ROOT)));
  }
}
