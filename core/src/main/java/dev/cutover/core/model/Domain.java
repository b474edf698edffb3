package dev.cutover.core.model;

import java.util.Objects;

/**
 * A domain of the source app.
 *
 * @param hostname e.g. {@code www.example.com}
 * @param kind {@code custom} or {@code heroku}
 * @param cname the DNS target Heroku gave it, or empty
 */
public record Domain(String hostname, String kind, String cname) {
  public Domain {
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(cname, "cname");
  }
}
