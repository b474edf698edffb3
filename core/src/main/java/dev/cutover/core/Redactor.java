package dev.cutover.core;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.regex.Pattern;

/**
 * Masks every registered secret in free text: output lines, exception messages, command lines,
 * journals and reports.
 *
 * <p>Besides the exact value, a registered secret is also masked in its URL-encoded form, and any
 * password embedded in a URL ({@code scheme://user:PASSWORD@host}) is masked whether or not it was
 * registered. Values too short or too plain to be told from ordinary text (under four characters,
 * or a number of up to five digits such as a port) are not masked in free text; they stay masked
 * wherever they are held as a {@link Secret}. One instance is shared by everything that takes part in a migration. Thread-safe.
 */
public final class Redactor {
  /** Values shorter than this are not masked in free text: they would mask ordinary words. */
  private static final int MIN_LENGTH = 4;
  /** Port-like numbers ({@code PORT=3000}) would mask every "3000" in a report; they are no secret. */
  private static final Pattern SHORT_NUMBER = Pattern.compile("\\d{1,5}");

  /** The password of a URL with credentials: after {@code scheme://user:}, up to the last {@code @} before the host. */
  private static final Pattern URL_PASSWORD = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\\s]*:([^\\s/]+)@[^@\\s]*$");

  private final Set<String> values = new CopyOnWriteArraySet<>();

  /** A redactor that knows no secret yet (it still masks URL passwords). */
  public static Redactor create() {
    return new Redactor();
  }

  /** Registers {@code secret} so that {@link #redact} masks it; returns the secret for chaining. */
  public Secret register(Secret secret) {
    String value = Objects.requireNonNull(secret, "secret").reveal();
    if (value.length() >= MIN_LENGTH && !SHORT_NUMBER.matcher(value).matches()) {
      values.add(value);
      String encoded = URLEncoder.encode(value, StandardCharsets.UTF_8);
      if (!encoded.equals(value)) {
        values.add(encoded);
        values.add(encoded.replace("+", "%20"));
      }
    }
    return secret;
  }

  /**
   * Registers {@code value} and, when it is a URL with credentials ({@code scheme://user:PASSWORD@host}),
   * the password inside it on its own (raw and URL-decoded), so that the password is masked where it
   * appears without the URL too (a libpq {@code password=...} string, a tunnel's "Password:" line).
   * The one place the SDK takes a password out of a URL to register it.
   *
   * @return {@code value}, for chaining
   */
  public Secret registerUrl(Secret value) {
    java.util.regex.Matcher m = URL_PASSWORD.matcher(Objects.requireNonNull(value, "value").reveal());
    if (m.find()) {
      register(Secret.of(m.group(1)));
      register(Secret.of(java.net.URLDecoder.decode(m.group(1), StandardCharsets.UTF_8)));
    }
    return register(value);
  }

  /** Registers every secret in {@code secrets}. */
  public void registerAll(Iterable<Secret> secrets) {
    secrets.forEach(this::register);
  }

  /** {@code text} with every registered secret and every URL password replaced by {@code ****}. */
  public String redact(String text) {
    if (text == null || text.isEmpty()) {
      return text == null ? "" : text;
    }
    String out = text;
    List<String> longestFirst = new ArrayList<>(values);
    longestFirst.sort(Comparator.comparingInt(String::length).reversed());
    for (String value : longestFirst) {
      if (out.contains(value)) {
        out = out.replace(value, Secret.mask());
      }
    }
    return maskUrlPasswords(out);
  }

  /**
   * Masks the password of every {@code scheme://user:password@} in {@code s}, in one pass (every
   * line of every tool's output comes through here; a regular expression was quadratic in a long run
   * of letters and digits, such as a large object's hex in psql's echo). The scheme is a letter then
   * letters, digits, {@code + . -}; the user has no {@code : / @} or space; the password is at least
   * one character with no {@code @ /} or space, followed by {@code @}.
   */
  private static String maskUrlPasswords(String s) {
    StringBuilder out = null;
    int copied = 0;
    for (int k = s.indexOf("://"); k >= 0; k = s.indexOf("://", k + 3)) {
      int scheme = k;
      while (scheme > copied && isSchemeChar(s.charAt(scheme - 1))) {
        scheme--;
      }
      while (scheme < k && !isLetter(s.charAt(scheme))) {
        scheme++;
      }
      if (scheme == k) {
        continue;
      }
      int i = k + 3;
      while (i < s.length() && ":/@".indexOf(s.charAt(i)) < 0 && !isSpace(s.charAt(i))) {
        i++;
      }
      if (i == s.length() || s.charAt(i) != ':') {
        continue;
      }
      int password = ++i;
      while (i < s.length() && s.charAt(i) != '@' && s.charAt(i) != '/' && !isSpace(s.charAt(i))) {
        i++;
      }
      if (i == password || i == s.length() || s.charAt(i) != '@') {
        continue;
      }
      out = out == null ? new StringBuilder(s.length()) : out;
      out.append(s, copied, password).append(Secret.mask());
      copied = i;
      k = i - 2;
    }
    return out == null ? s : out.append(s, copied, s.length()).toString();
  }

  private static boolean isLetter(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
  }

  private static boolean isSchemeChar(char c) {
    return isLetter(c) || c >= '0' && c <= '9' || c == '+' || c == '.' || c == '-';
  }

  /** What {@code \s} matches in a Java regular expression. */
  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
  }

  @Override
  public String toString() {
    return "Redactor[" + values.size() + " values]";
  }
}
