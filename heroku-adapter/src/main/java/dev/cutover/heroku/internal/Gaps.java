package dev.cutover.heroku.internal;

import dev.cutover.core.ApiException;
import dev.cutover.core.model.InventoryGap;
import java.util.List;
import java.util.function.Supplier;

/** Reading an optional part of an inventory: what Heroku says is not there becomes a gap, not a failure. */
final class Gaps {
  private Gaps() {}

  /**
   * {@code read}'s result, or {@code fallback} with a gap noted when the API answers that the part
   * is not there (403, 404, 410) and {@code gaps} is given. Server errors and the rest propagate.
   */
  static <T> T optional(List<InventoryGap> gaps, String part, T fallback, Supplier<T> read) {
    try {
      return read.get();
    } catch (ApiException e) {
      if (gaps == null || (e.status() != 403 && e.status() != 404 && e.status() != 410)) {
        throw e;
      }
      gaps.add(new InventoryGap(part, e.method() + " " + e.path() + " answered " + e.status()
          + e.errorId().map(id -> " " + id).orElse("")));
      return fallback;
    }
  }

}
