package dev.cutover.aptible.internal.repo;

import dev.cutover.aptible.RepoFinding;
import dev.cutover.aptible.RepoFinding.Rule;
import dev.cutover.aptible.RepoFinding.Severity;
import java.util.ArrayList;
import java.util.List;

/** Collects {@link RepoFinding}s in the order they are found, without duplicates. Not thread-safe; not API. */
final class Findings {
  private final List<RepoFinding> all = new ArrayList<>();

  void add(Severity severity, Rule rule, String file, int line, String problem, String fix) {
    RepoFinding f = new RepoFinding(severity, rule, file, line, problem, fix);
    if (!all.contains(f)) {
      all.add(f);
    }
  }

  void error(Rule rule, String file, int line, String problem, String fix) {
    add(Severity.ERROR, rule, file, line, problem, fix);
  }

  void warn(Rule rule, String file, int line, String problem, String fix) {
    add(Severity.WARNING, rule, file, line, problem, fix);
  }

  void info(Rule rule, String file, int line, String problem, String fix) {
    add(Severity.INFO, rule, file, line, problem, fix);
  }

  List<RepoFinding> list() {
    return List.copyOf(all);
  }
}
