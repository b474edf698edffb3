package dev.cutover.aptible.internal.repo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Dockerfile read the way {@code docker build} reads it, as far as the deployability rules need:
 * instructions with their line numbers (continuations joined, comments dropped), build stages, and
 * {@code ARG}/{@code ENV} values substituted into {@code FROM}, {@code COPY} and {@code EXPOSE}.
 * Immutable; not API.
 */
final class Dockerfile {
  private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?}|\\$([A-Za-z_][A-Za-z0-9_]*)");

  /** One instruction: its first line (1-based), keyword (upper case), and arguments with variables substituted. */
  record Instruction(int line, String keyword, String args, String raw) {
    /** The arguments of an exec-form instruction ({@code ["a", "b"]}), or the shell-form text as one element. */
    List<String> execForm() {
      String a = args.trim();
      if (a.startsWith("[")) {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(a);
        while (m.find()) {
          out.add(m.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
        }
        return out;
      }
      return List.of(a);
    }

    /** Whether the instruction is in exec form. */
    boolean isExecForm() {
      return args.trim().startsWith("[");
    }

    /** A {@code --flag=value} of COPY/ADD/FROM, if given. */
    Optional<String> flag(String name) {
      Matcher m = Pattern.compile("(?:^|\\s)--" + name + "=(\\S+)").matcher(args);
      return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The arguments without leading {@code --flags}, split on whitespace (COPY/ADD sources and destination). */
    List<String> operands() {
      List<String> out = new ArrayList<>();
      if (isExecForm()) {
        return execForm();
      }
      for (String w : args.trim().split("\\s+")) {
        if (!(out.isEmpty() && w.startsWith("--"))) {
          out.add(w);
        }
      }
      return out;
    }
  }

  /**
   * A build stage.
   *
   * @param index 0-based
   * @param name the {@code AS} name, or empty
   * @param from the base: an image reference or an earlier stage's name
   * @param fromLine the FROM line
   */
  record Stage(int index, String name, String from, int fromLine, List<Instruction> instructions) {
    /** The stage's instructions with {@code keyword}. */
    List<Instruction> all(String keyword) {
      return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    /** The last instruction with {@code keyword}, if any. */
    Optional<Instruction> last(String keyword) {
      List<Instruction> found = all(keyword);
      return found.isEmpty() ? Optional.empty() : Optional.of(found.get(found.size() - 1));
    }
  }

  private final List<Stage> stages;

  private Dockerfile(List<Stage> stages) {
    this.stages = List.copyOf(stages);
  }

  /** The stages in order; the last one is the image Aptible runs. */
  List<Stage> stages() {
    return stages;
  }

  /** The final stage. */
  Stage last() {
    return stages.get(stages.size() - 1);
  }

  /** The stage called {@code nameOrIndex} ({@code --from} accepts both), if it is one. */
  Optional<Stage> stage(String nameOrIndex) {
    for (Stage s : stages) {
      if (s.name().equalsIgnoreCase(nameOrIndex) || String.valueOf(s.index()).equals(nameOrIndex)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** The chain of stages the final image is built on, from the first base to the final stage. */
  List<Stage> chain(Stage stage) {
    List<Stage> chain = new ArrayList<>();
    Stage s = stage;
    while (s != null) {
      chain.add(0, s);
      Optional<Stage> parent = stage(s.from()).filter(p -> p.index() < chain.get(0).index());
      s = parent.orElse(null);
    }
    return chain;
  }

  /** Parses Dockerfile text. */
  static Dockerfile parse(String text) {
    List<Stage> stages = new ArrayList<>();
    Map<String, String> globalArgs = new HashMap<>();
    Map<String, String> vars = new HashMap<>();
    Map<String, Map<String, String>> stageVars = new HashMap<>();
    List<Instruction> current = null;
    String[] lines = text.split("\n", -1);
    int i = 0;
    while (i < lines.length) {
      int start = i + 1;
      String cur = lines[i++].strip();
      if (cur.isEmpty() || cur.startsWith("#")) {
        continue;
      }
      StringBuilder logical = new StringBuilder();
      while (cur.endsWith("\\")) {
        logical.append(cur, 0, cur.length() - 1).append(' ');
        // docker skips comment and empty lines inside a continued instruction
        while (i < lines.length && (lines[i].isBlank() || lines[i].strip().startsWith("#"))) {
          i++;
        }
        cur = i < lines.length ? lines[i++].strip() : "";
      }
      logical.append(cur);
      String raw = logical.toString().strip();
      if (raw.isEmpty()) {
        continue;
      }
      String[] kv = raw.split("\\s+", 2);
      String keyword = kv[0].toUpperCase(Locale.ROOT);
      String args = kv.length > 1 ? kv[1] : "";
      if (keyword.equals("FROM")) {
        Map<String, String> scope = new HashMap<>(globalArgs);
        String[] parts = substitute(args, scope).trim().split("\\s+");
        int p = 0;
        while (p < parts.length && parts[p].startsWith("--")) {
          p++;
        }
        String from = p < parts.length ? parts[p] : "";
        String name = p + 2 < parts.length && parts[p + 1].equalsIgnoreCase("AS") ? parts[p + 2] : "";
        current = new ArrayList<>();
        // a stage built on an earlier one inherits its ENV (and so its variables)
        vars = new HashMap<>(stageVars.getOrDefault(from.toLowerCase(Locale.ROOT), Map.of()));
        stageVars.put(name.toLowerCase(Locale.ROOT), vars);
        stageVars.put(String.valueOf(stages.size()), vars);
        stages.add(new Stage(stages.size(), name, from, start, current));
        continue;
      }
      if (current == null) {
        if (keyword.equals("ARG")) {
          putArg(args, globalArgs);
        }
        continue;
      }
      if (keyword.equals("ARG")) {
        String name = args.trim().split("=", 2)[0];
        if (args.contains("=")) {
          putArg(args, vars);
        } else if (globalArgs.containsKey(name)) {
          vars.put(name, globalArgs.get(name));
        }
      } else if (keyword.equals("ENV")) {
        putEnv(substitute(args, vars), vars);
      }
      String substituted = keyword.equals("RUN") || keyword.equals("CMD") || keyword.equals("ENTRYPOINT") ? args
          : substitute(args, vars);
      current.add(new Instruction(start, keyword, substituted, raw));
    }
    return new Dockerfile(stages);
  }

  private static void putArg(String args, Map<String, String> into) {
    String[] kv = args.trim().split("=", 2);
    into.put(kv[0].trim(), kv.length > 1 ? unquote(kv[1].trim()) : into.getOrDefault(kv[0].trim(), ""));
  }

  /** {@code ENV A=1 B="two"} and the legacy {@code ENV A 1}. */
  private static void putEnv(String args, Map<String, String> into) {
    Matcher m = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'|\\S*)").matcher(args);
    boolean any = false;
    while (m.find()) {
      into.put(m.group(1), unquote(m.group(2)));
      any = true;
    }
    if (!any) {
      String[] kv = args.trim().split("\\s+", 2);
      into.put(kv[0], kv.length > 1 ? kv[1] : "");
    }
  }

  private static String unquote(String v) {
    return v.length() >= 2 && (v.startsWith("\"") && v.endsWith("\"") || v.startsWith("'") && v.endsWith("'"))
        ? v.substring(1, v.length() - 1) : v;
  }

  /** {@code $X}, {@code ${X}} and {@code ${X:-default}} from {@code vars}; unknown variables are left as written. */
  static String substitute(String text, Map<String, String> vars) {
    Matcher m = VAR.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(3);
      String value = vars.get(name);
      if (value == null || value.isEmpty()) {
        value = m.group(2) != null ? m.group(2) : value == null ? m.group() : value;
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /** The value of {@code ENV name} in the stage chain of {@code stage}, if set. */
  Optional<String> env(Stage stage, String name) {
    String value = null;
    for (Stage s : chain(stage)) {
      Map<String, String> vars = new HashMap<>();
      for (Instruction in : s.all("ENV")) {
        putEnv(in.args(), vars);
        if (vars.containsKey(name)) {
          value = vars.get(name);
        }
      }
    }
    return Optional.ofNullable(value);
  }
}
