package dev.cutover.core.migration;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Heroku dyno sizes to Aptible container sizes: the smallest Aptible size (MB) at least as large
 * as the dyno's memory. {@code eco}/{@code basic}/{@code standard-1X} (512 MB) give 512,
 * {@code standard-2X} (1 GB) gives 1024, {@code performance-M} (2.5 GB) gives 4096,
 * {@code performance-L} (14 GB) gives 15360.
 */
public final class ContainerSizes {
  /** Container sizes (MB) Aptible offers on every profile, then the larger general-purpose ones. */
  public static final List<Integer> OFFERED = List.of(512, 1024, 2048, 4096, 7168, 15360, 30720, 61440, 153600, 245760);

  /** Dyno memory in MB, by lower-case dyno size name. */
  private static final Map<String, Integer> DYNO_MEMORY_MB = Map.ofEntries(
      Map.entry("free", 512), Map.entry("hobby", 512), Map.entry("eco", 512), Map.entry("basic", 512),
      Map.entry("standard-1x", 512), Map.entry("standard-2x", 1024),
      Map.entry("performance-m", 2560), Map.entry("performance-l", 14336),
      Map.entry("performance-l-ram", 30720), Map.entry("performance-xl", 63488), Map.entry("performance-2xl", 129024),
      Map.entry("private-s", 1024), Map.entry("private-m", 2560), Map.entry("private-l", 14336),
      Map.entry("private-l-ram", 30720), Map.entry("private-xl", 63488), Map.entry("private-2xl", 129024),
      Map.entry("shield-s", 1024), Map.entry("shield-m", 2560), Map.entry("shield-l", 14336),
      Map.entry("shield-l-ram", 30720), Map.entry("shield-xl", 63488), Map.entry("shield-2xl", 129024));

  private ContainerSizes() {}

  /** The memory of {@code dynoSize} (any case, e.g. {@code Standard-2X}) in MB, when the size is known. */
  public static Optional<Integer> dynoMemoryMb(String dynoSize) {
    return Optional.ofNullable(DYNO_MEMORY_MB.get(dynoSize.toLowerCase(Locale.ROOT)));
  }

  /** The smallest offered container size that holds {@code memoryMb}, if any is large enough. */
  public static Optional<Integer> atLeast(int memoryMb) {
    return OFFERED.stream().filter(size -> size >= memoryMb).findFirst();
  }

  /** The container size for {@code dynoSize}, when the dyno size is known. */
  public static Optional<Integer> forDyno(String dynoSize) {
    return dynoMemoryMb(dynoSize).flatMap(ContainerSizes::atLeast);
  }

  /** Whether Aptible offers {@code mb}. */
  public static boolean isOffered(int mb) {
    return OFFERED.contains(mb);
  }
}
