package dev.cutover.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.api.Test;

class ValidationExceptionTest {
  @Test
  void throwIfAny_severalProblems_oneExceptionListingAll() {
    ValidationException e = catchThrowableOfType(ValidationException.class, () -> ValidationException.collector("plan")
        .add("target.app", "My App", "must be lowercase letters, digits, '.', '_' or '-'", "rename it, e.g. my-app")
        .add("database.version", 9, "is older than 12", "upgrade the Heroku database first")
        .addSecret("heroku.token", "was rejected by Heroku (401)", "run `heroku authorizations:create`")
        .throwIfAny());

    assertThat(e.problems()).extracting(ValidationException.Problem::field)
        .containsExactly("target.app", "database.version", "heroku.token");
    assertThat(e.problems().get(1).value()).isEqualTo("9");
    assertThat(e.problems().get(2).value()).isEqualTo("****");
    assertThat(e.step()).contains("plan");
    assertThat(e.retryable()).isFalse();
    assertThat(e.getMessage()).isEqualTo("plan: 3 invalid inputs\n"
        + "  - target.app = 'My App': must be lowercase letters, digits, '.', '_' or '-'; rename it, e.g. my-app\n"
        + "  - database.version = '9': is older than 12; upgrade the Heroku database first\n"
        + "  - heroku.token = '****': was rejected by Heroku (401); run `heroku authorizations:create`");
  }

  @Test
  void throwIfAny_noProblems_doesNotThrow() {
    ValidationException.Collector c = ValidationException.collector("plan");

    c.throwIfAny();

    assertThat(c.isEmpty()).isTrue();
  }

  @Test
  void addAll_nestedValidation_problemsMerged() {
    ValidationException inner = new ValidationException("spec",
        List.of(new ValidationException.Problem("disk", "0", "must be at least 10", "use 10 or more")));

    ValidationException.Collector c = ValidationException.collector("plan").add("app", "", "is empty", "name it").addAll(inner);

    assertThat(c.problems()).hasSize(2);
    assertThatThrownBy(c::throwIfAny).hasMessageStartingWith("plan: 2 invalid inputs");
  }

  @Test
  void constructor_noProblems_rejected() {
    assertThatThrownBy(() -> new ValidationException("plan", List.of())).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void problems_returned_immutable() {
    ValidationException e = new ValidationException(null,
        List.of(new ValidationException.Problem("f", "v", "bad", "fix")));

    assertThat(e.getMessage()).isEqualTo("1 invalid input\n  - f = 'v': bad; fix");
    assertThatThrownBy(() -> e.problems().clear()).isInstanceOf(UnsupportedOperationException.class);
  }
}
