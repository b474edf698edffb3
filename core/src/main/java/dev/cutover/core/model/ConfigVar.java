package dev.cutover.core.model;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cutover.core.Secret;
import java.util.Objects;

/** A config var: its name, its secret value. Serialises as {@code {"name":"X","value":"****"}}. */
public record ConfigVar(String name, @JsonIgnore Secret value) {
  /** Validates the components and copies collections; throws {@link NullPointerException} on a null component. */
  public ConfigVar {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(value, "value");
  }

  /** What JSON shows instead of the value. */
  @JsonProperty("value")
  public String maskedValue() {
    return Secret.mask();
  }

  @Override
  public String toString() {
    return name + "=" + Secret.mask();
  }
}
