package dev.cutover.aptible.internal.repo;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ShellWordsTest {
  @Test
  void shellOnly_plainArgv_nothing() {
    assertThat(ShellWords.shellOnly("bundle exec puma -C config/puma.rb")).isEmpty();
    assertThat(ShellWords.shellOnly("gunicorn 'app:create_app()' --log-file -")).isEmpty();
    assertThat(ShellWords.shellOnly("sh -c 'exec gunicorn --bind 0.0.0.0:$PORT app:app'")).isEmpty();
  }

  @Test
  void shellOnly_pipeListsExpansionsGlobsAssignments_eachNamed() {
    assertThat(ShellWords.shellOnly("yes \"yes\" | python manage.py migrate")).containsExactly("a pipe (|)");
    assertThat(ShellWords.shellOnly("bin/rails ip_lookup:setup && bin/rails server -p $PORT"))
        .containsExactly("a list (&&)", "$PORT");
    assertThat(ShellWords.shellOnly("celery worker --concurrency ${CELERY_CONCURRENCY:-2}"))
        .containsExactly("${CELERY_CONCURRENCY:-2}");
    assertThat(ShellWords.shellOnly("java -jar target/*.jar")).containsExactly("a glob (*)");
    assertThat(ShellWords.shellOnly("POSTGRES_STATEMENT_TIMEOUT=600s bundle exec rails db:migrate"))
        .containsExactly("a variable assignment (POSTGRES_STATEMENT_TIMEOUT=)");
    assertThat(ShellWords.shellOnly("echo \"$(date)\" > log")).contains("a command substitution ($()",
        "a redirection (>)");
  }

  @Test
  void viaShell_simpleCommandExecdListKeptAsIs_andSplitsIntoThreeWords() {
    String wrapped = ShellWords.viaShell("gunicorn --bind 0.0.0.0:$PORT app:app");
    assertThat(wrapped).isEqualTo("sh -c 'exec gunicorn --bind 0.0.0.0:$PORT app:app'");
    assertThat(ShellWords.split(wrapped)).containsExactly("sh", "-c", "exec gunicorn --bind 0.0.0.0:$PORT app:app");
    String list = ShellWords.viaShell("yes \"yes\" | python manage.py migrate");
    assertThat(ShellWords.split(list)).containsExactly("sh", "-c", "yes \"yes\" | python manage.py migrate");
    assertThat(ShellWords.shellOnly(list)).isEmpty();
    assertThat(ShellWords.split(ShellWords.viaShell("echo it's"))).containsExactly("sh", "-c", "exec echo it's");
  }
}
