package dev.cutover.aptible.internal.repo;

import com.fasterxml.jackson.databind.node.TextNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Procfile and {@code .aptible.yml} text: read, edited line by line (every other line kept), written. Not API. */
final class Procfile {
  static final Pattern LINE = Pattern.compile("^([A-Za-z0-9_-]+):\\s*(.*)$");

  private Procfile() {}

  /** The entries in order (a repeated name keeps the last command, as Heroku does). */
  static Map<String, String> parse(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      Matcher m = LINE.matcher(line.strip());
      if (m.matches() && !line.strip().startsWith("#")) {
        out.put(m.group(1), m.group(2).strip());
      }
    }
    return out;
  }

  /** The 1-based line of entry {@code name}, or 0. */
  static int lineOf(String text, String name) {
    String[] lines = text.split("\n");
    int found = 0;
    for (int i = 0; i < lines.length; i++) {
      Matcher m = LINE.matcher(lines[i].strip());
      if (m.matches() && m.group(1).equals(name)) {
        found = i + 1;
      }
    }
    return found;
  }

  /** {@code text} with entries missing from {@code processes} dropped and changed ones rewritten; the rest kept. */
  static String rewrite(String text, Map<String, String> processes) {
    StringBuilder out = new StringBuilder();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      Matcher m = LINE.matcher(line.strip());
      if (m.matches() && !line.strip().startsWith("#")) {
        String command = processes.get(m.group(1));
        if (command == null) {
          continue;
        }
        line = command.equals(m.group(2).strip()) ? line : m.group(1) + ": " + command;
      }
      out.append(line);
      if (i < lines.length - 1) {
        out.append('\n');
      }
    }
    return out.toString();
  }

  static String render(Map<String, String> processes) {
    StringBuilder sb = new StringBuilder();
    processes.forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
    return sb.toString();
  }

  /** The {@code before_deploy} (or {@code before_release}) commands of a {@code .aptible.yml}. */
  static List<String> beforeDeploy(String yaml) {
    List<String> commands = new ArrayList<>();
    boolean inList = false;
    for (String line : yaml.split("\n")) {
      if (line.matches("(before_deploy|before_release):\\s*")) {
        inList = true;
      } else if (inList && line.matches("\\s+-\\s+.*")) {
        commands.add(unquote(line.strip().substring(1).strip()));
      } else if (!line.isBlank()) {
        inList = false;
      }
    }
    return commands;
  }

  private static String unquote(String item) {
    if (item.length() >= 2 && item.startsWith("\"") && item.endsWith("\"")) {
      return item.substring(1, item.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
    }
    if (item.length() >= 2 && item.startsWith("'") && item.endsWith("'")) {
      return item.substring(1, item.length() - 1).replace("''", "'");
    }
    return item;
  }

  /** A {@code before_deploy:} block listing {@code commands}, each as a JSON (YAML double-quoted) string. */
  static String beforeDeployBlock(List<String> commands) {
    StringBuilder sb = new StringBuilder("before_deploy:\n");
    commands.forEach(c -> sb.append("  - ").append(TextNode.valueOf(c)).append('\n'));
    return sb.toString();
  }

  /** {@code yaml} with its before_deploy (or before_release) list replaced by {@code commands}. */
  static String replaceBeforeDeploy(String yaml, List<String> commands) {
    StringBuilder out = new StringBuilder();
    boolean inList = false;
    for (String line : yaml.split("\n", -1)) {
      if (line.matches("(before_deploy|before_release):\\s*")) {
        inList = true;
        out.append(beforeDeployBlock(commands));
        continue;
      }
      if (inList && (line.matches("\\s+-\\s+.*") || line.isBlank())) {
        continue;
      }
      inList = false;
      out.append(line).append('\n');
    }
    return out.toString().replaceAll("\n+$", "\n");
  }
}
