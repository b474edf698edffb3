package dev.cutover.maven;

import dev.cutover.core.Redactor;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * {@code mvn cutover:rollback}: turns maintenance off on Heroku, so it is primary again. Aptible
 * resources stay in place and are listed in the report; a later {@code cutover:resume} captures and
 * restores again. Blocks.
 */
@Mojo(name = "rollback", aggregator = true, threadSafe = true)
public class RollbackMojo extends JournalMojo {
  /** Creates the goal; Maven injects the parameters. */
  public RollbackMojo() {}

  @Override
  void run(Redactor redactor) {
    log(journalledPlan(redactor).rollback());
  }
}
