package dev.cutover.aptible.internal.repo;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A command line as Aptible reads a Procfile entry or a {@code before_deploy} command when the image
 * has an ENTRYPOINT: split into words by shell quoting rules and passed as argv, with no pipes,
 * lists, redirections, expansions or globs. Not API.
 */
final class ShellWords {
  private ShellWords() {}

  /**
   * What in {@code command} only a shell understands, e.g. {@code "a pipe (|)"}, {@code "$PORT"};
   * empty when splitting it into words gives exactly what a shell would run.
   */
  static List<String> shellOnly(String command) {
    Set<String> found = new LinkedHashSet<>();
    boolean single = false;
    boolean dbl = false;
    boolean wordStart = true;
    boolean firstWord = true;
    StringBuilder word = new StringBuilder();
    for (int i = 0; i < command.length(); i++) {
      char c = command.charAt(i);
      if (single) {
        single = c != '\'';
        continue;
      }
      if (c == '\\' && i + 1 < command.length()) {
        i++;
        word.append(command.charAt(i));
        wordStart = false;
        continue;
      }
      if (dbl) {
        if (c == '"') {
          dbl = false;
        } else if (c == '$' || c == '`') {
          found.add(expansion(command, i));
        }
        continue;
      }
      boolean doubled = i + 1 < command.length() && command.charAt(i + 1) == c && (c == '|' || c == '&');
      switch (c) {
        case '\'' -> single = true;
        case '"' -> dbl = true;
        case '|' -> found.add(doubled ? "a list (||)" : "a pipe (|)");
        case '&' -> found.add(doubled ? "a list (&&)" : "a background job (&)");
        case ';' -> found.add("a list (;)");
        case '<', '>' -> found.add("a redirection (" + c + ")");
        case '(', ')' -> found.add("a subshell (" + c + ")");
        case '$', '`' -> found.add(expansion(command, i));
        case '*', '?', '[' -> found.add("a glob (" + c + ")");
        case '#' -> {
          if (wordStart) {
            found.add("a comment (#)");
          }
        }
        case '~' -> {
          if (wordStart) {
            found.add("a home directory (~)");
          }
        }
        case '=' -> {
          if (firstWord && word.toString().matches("[A-Za-z_][A-Za-z0-9_]*")) {
            found.add("a variable assignment (" + word + "=)");
          }
        }
        default -> { }
      }
      if (doubled) {
        i++;
      }
      if (c == ' ' || c == '\t') {
        if (!wordStart) {
          firstWord = false;
        }
        wordStart = true;
        word.setLength(0);
      } else {
        wordStart = false;
        word.append(c);
      }
    }
    return List.copyOf(found);
  }

  private static String expansion(String command, int at) {
    if (command.charAt(at) == '`' || command.startsWith("$(", at)) {
      return "a command substitution (" + (command.charAt(at) == '`' ? "`" : "$(") + ")";
    }
    int end = at + 1;
    if (end < command.length() && command.charAt(end) == '{') {
      int close = command.indexOf('}', end);
      return close < 0 ? "a variable ($)" : command.substring(at, close + 1);
    }
    while (end < command.length() && (Character.isLetterOrDigit(command.charAt(end)) || command.charAt(end) == '_')) {
      end++;
    }
    return end == at + 1 ? "a variable ($)" : command.substring(at, end);
  }

  /** The command as one POSIX shell word (single-quoted where needed). */
  static String quote(String word) {
    if (!word.isEmpty() && word.matches("[A-Za-z0-9_@%+=:,./-]+")) {
      return word;
    }
    return "'" + word.replace("'", "'\\''") + "'";
  }

  /**
   * The command run by {@code sh -c}, which a shell-less ENTRYPOINT splits into exactly three words;
   * a simple command is {@code exec}'d so that it receives signals as PID 1.
   */
  static String viaShell(String command) {
    boolean simple = shellOnly(command).stream().noneMatch(f -> f.startsWith("a list") || f.startsWith("a pipe")
        || f.startsWith("a background") || f.startsWith("a subshell") || f.startsWith("a comment")
        || f.startsWith("a variable assignment"));
    String body = simple && !command.startsWith("exec ") ? "exec " + command : command;
    return "sh -c " + quote(body);
  }

  /** The words of a command that needs no shell (see {@link #shellOnly}), quotes removed. */
  static List<String> split(String command) {
    List<String> words = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < command.length(); i++) {
      char c = command.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else if (c == '\\' && quote == '"' && i + 1 < command.length() && "\"\\$`".indexOf(command.charAt(i + 1)) >= 0) {
          w.append(command.charAt(++i));
        } else {
          w.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (c == '\\' && i + 1 < command.length()) {
        w.append(command.charAt(++i));
        inWord = true;
      } else if (c == ' ' || c == '\t') {
        if (inWord) {
          words.add(w.toString());
          w.setLength(0);
          inWord = false;
        }
      } else {
        w.append(c);
        inWord = true;
      }
    }
    if (inWord) {
      words.add(w.toString());
    }
    return words;
  }
}
