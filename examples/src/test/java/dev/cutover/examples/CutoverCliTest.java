package dev.cutover.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.core.MigrationCancelledException;
import dev.cutover.core.MigrationException;
import dev.cutover.core.ValidationException;
import dev.cutover.core.migration.VerificationFailedException;
import dev.cutover.core.model.VerificationReport;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CutoverCliTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return CutoverCli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
  }

  @Test
  void plan_withoutAppAndEnvironment_exits2ListingBothWithoutStackTrace() {
    int code = run("plan", "--app", "", "--environment", "");

    assertThat(code).isEqualTo(CutoverCli.BAD_INPUT);
    assertThat(err.toString()).contains("--app").contains("--environment").doesNotContain("\tat ")
        .doesNotContain("Exception");
    assertThat(out.toString()).isEmpty();
  }

  @Test
  void migrate_unknownOption_exits2WithUsageHint() {
    int code = run("migrate", "--no-such-option");

    assertThat(code).isEqualTo(CutoverCli.BAD_INPUT);
    assertThat(err.toString()).contains("--no-such-option").contains("--help").doesNotContain("\tat ");
  }

  @Test
  void resume_missingJournal_exits2(@TempDir Path dir) {
    int code = run("resume", "--journal", dir.resolve("nope.json").toString());

    assertThat(code).isEqualTo(CutoverCli.BAD_INPUT);
    assertThat(err.toString()).contains("nope.json").contains("does not exist").doesNotContain("\tat ");
  }

  @Test
  void rollback_corruptJournal_exits2(@TempDir Path dir) throws Exception {
    Path journal = java.nio.file.Files.writeString(dir.resolve("journal.json"), "{not json");

    assertThat(run("rollback", "--journal", journal.toString())).isEqualTo(CutoverCli.BAD_INPUT);
    assertThat(err.toString()).contains("corrupt");
  }

  @Test
  void handle_eachFailureKind_mapsToItsExitCode() {
    PrintWriter sink = new PrintWriter(new StringWriter());
    VerificationReport mismatch = new VerificationReport("source database",
        List.of(new VerificationReport.Check("rows", "public.users", "10", "9")));

    assertThat(CutoverCli.handle(new ValidationException("x", List.of(new ValidationException.Problem("a", "b", "c", "d"))),
        sink)).isEqualTo(2);
    assertThat(CutoverCli.handle(new VerificationFailedException(mismatch), sink)).isEqualTo(3);
    assertThat(CutoverCli.handle(new MigrationException("deploy", "deploy: push rejected"), sink)).isEqualTo(4);
    assertThat(CutoverCli.handle(new MigrationCancelledException("restore", "restore: cancelled", null), sink))
        .isEqualTo(130);
    assertThat(CutoverCli.handle(new IllegalStateException("bug"), sink)).isEqualTo(1);
  }

  @Test
  void migrate_withoutTerminalYesOrApprove_exits2BeforeAnything() {
    int code = CutoverCli.run(new String[] {"migrate", "-a", "legacy-shop", "-e", "demo-env"}, new PrintWriter(out, true),
        new PrintWriter(err, true), Terminal.NONE);

    assertThat(code).isEqualTo(CutoverCli.BAD_INPUT);
    assertThat(err.toString()).contains("--yes").contains("no terminal").contains("--approve").doesNotContain("\tat ");
  }

  @Test
  void migrate_jobsNotANumber_exits2NamingIt() {
    assertThat(run("migrate", "-a", "legacy-shop", "-e", "demo-env", "--jobs", "lots")).isEqualTo(CutoverCli.BAD_INPUT);
    assertThat(err.toString()).contains("--jobs").doesNotContain("\tat ");
  }

  @Test
  void confirmed_onlyTheHerokuAppsExactName_confirms() {
    java.util.List<String> prompts = new java.util.ArrayList<>();
    Terminal typed = prompt -> {
      prompts.add(prompt);
      return java.util.Optional.of(" legacy-shop \n");
    };

    assertThat(CutoverCli.confirmed(typed, "legacy-shop", "demo-env/shop")).isTrue();
    assertThat(prompts).singleElement().asString().contains("legacy-shop").contains("demo-env/shop")
        .contains("maintenance mode");
    assertThat(CutoverCli.confirmed(p -> java.util.Optional.of("legacy"), "legacy-shop", "demo-env/shop")).isFalse();
    assertThat(CutoverCli.confirmed(p -> java.util.Optional.of("yes"), "legacy-shop", "demo-env/shop")).isFalse();
    assertThat(CutoverCli.confirmed(Terminal.NONE, "legacy-shop", "demo-env/shop")).isFalse();
  }

  @Test
  void handle_lockedMigration_exits2NamingTheHolder(@TempDir Path dir) {
    try (dev.cutover.core.migration.MigrationLock lock = dev.cutover.core.migration.MigrationLock.acquire(
        dir.resolve("journal.json"), "migrate")) {
      Exception locked = org.assertj.core.api.Assertions.catchException(() ->
          dev.cutover.core.migration.MigrationLock.acquire(lock.journal(), "resume"));

      assertThat(CutoverCli.handle(locked, new PrintWriter(err, true))).isEqualTo(CutoverCli.BAD_INPUT);
      assertThat(err.toString()).contains("locked").contains("pid " + ProcessHandle.current().pid()).doesNotContain("\tat ");
    }
  }

  @Test
  void help_listsCommandsAndExitCodes() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("plan").contains("migrate").contains("resume").contains("rollback")
        .contains("audit").contains("demo").contains("130").contains("5");
  }
}
