package dev.cutover.core.model;

import java.util.Objects;

/**
 * A part of the source app's inventory that could not be read, and why. The rest of the inventory
 * is complete; the plan decides whether the gap matters.
 *
 * @param part what is missing, e.g. {@code process types} or {@code database postgresql-curved-12345}
 * @param reason why, e.g. {@code GET /apps/my-app/releases answered 404 not_found}
 */
public record InventoryGap(String part, String reason) {
  /**
   * Validates the components; throws {@link NullPointerException} on a null component.
   *
   * @param part see {@link #part()}
   * @param reason see {@link #reason()}
   */
  public InventoryGap {
    Objects.requireNonNull(part, "part");
    Objects.requireNonNull(reason, "reason");
  }

  @Override
  public String toString() {
    return part + ": " + reason;
  }
}
