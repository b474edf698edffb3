package dev.cutover.testkit.heroku;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One request {@link FakeHeroku} received (API or download), in arrival order.
 *
 * @param method e.g. {@code GET}
 * @param path the path without the query, e.g. {@code /apps/example-app/domains}
 * @param query the raw query, or empty
 * @param headers request headers, names lower-cased (last value wins)
 * @param body the request body as text (empty when none)
 * @param status the status the fake answered with
 */
public record RecordedCall(String method, String path, String query, Map<String, String> headers, String body,
    int status) {
  public RecordedCall {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(query, "query");
    headers = Map.copyOf(headers);
    Objects.requireNonNull(body, "body");
  }

  /** The header {@code name} (any case). */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
  }

  @Override
  public String toString() {
    return method + " " + path + (query.isEmpty() ? "" : "?" + query) + " -> " + status;
  }
}
