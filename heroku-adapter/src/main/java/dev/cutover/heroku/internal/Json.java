package dev.cutover.heroku.internal;

import com.fasterxml.jackson.databind.JsonNode;

/** Reading the API's JSON leniently: a missing, null or non-scalar field reads as empty text. */
public final class Json {
  private Json() {}

  /** {@code node.field} as text, or empty when it is missing, null or not a scalar. */
  public static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isValueNode() && !v.isNull() ? v.asText() : "";
  }
}
