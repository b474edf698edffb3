package dev.cutover.postgres;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Looks up the statements psql reported errors at, in one pass over a (possibly large) SQL script.
 * psql reports the line a statement ends on; the statement starts after the blank line or comment
 * before it, which is how {@code pg_restore -f} lays out its entries.
 */
final class ScriptLines {
  private static final int WINDOW = 200;

  private ScriptLines() {}

  /** The statement ending at each of {@code lines} (1-based), read from {@code script}. */
  static Map<Long, String> statementsEndingAt(Path script, Collection<Long> lines) {
    Map<Long, String> out = new HashMap<>();
    TreeSet<Long> wanted = new TreeSet<>(lines);
    if (wanted.isEmpty()) {
      return out;
    }
    ArrayDeque<String> window = new ArrayDeque<>();
    try (BufferedReader in = Files.newBufferedReader(script, StandardCharsets.UTF_8)) {
      long number = 0;
      String line;
      while (!wanted.isEmpty() && (line = in.readLine()) != null) {
        number++;
        window.addLast(line);
        if (window.size() > WINDOW) {
          window.removeFirst();
        }
        if (wanted.first() == number) {
          wanted.pollFirst();
          out.put(number, statementIn(window));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }

  private static String statementIn(ArrayDeque<String> window) {
    List<String> reversed = new ArrayList<>();
    var it = window.descendingIterator();
    while (it.hasNext()) {
      String l = it.next();
      if (!reversed.isEmpty() && (l.isBlank() || l.startsWith("--"))) {
        break;
      }
      reversed.add(l);
    }
    StringBuilder sb = new StringBuilder();
    for (int i = reversed.size() - 1; i >= 0; i--) {
      sb.append(reversed.get(i)).append('\n');
    }
    return sb.toString().strip();
  }
}
