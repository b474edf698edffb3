package dev.cutover.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MigrationListenerTest {
  private static final MigrationEvent.Warning WARNING = new MigrationEvent.Warning("plan", Instant.EPOCH, "careful");

  private static final MigrationListener THROWING = new MigrationListener() {
    @Override
    public void warning(MigrationEvent.Warning event) {
      throw new IllegalStateException("listener bug");
    }

    @Override
    public String toString() {
      return "ThrowingListener";
    }
  };

  @Test
  void safe_listenerThrows_loggedAndIgnored() {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      assertThatCode(() -> MigrationListener.safe(THROWING).warning(WARNING)).doesNotThrowAnyException();
    } finally {
      System.setErr(original);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8))
        .contains("WARN").contains("ThrowingListener").contains("IllegalStateException");
  }

  @Test
  void safe_alreadySafe_notWrappedTwice() {
    MigrationListener safe = MigrationListener.safe(THROWING);

    assertThat(MigrationListener.safe(safe)).isSameAs(safe);
  }

  @Test
  void composite_oneListenerThrows_othersStillCalled() {
    List<MigrationEvent> seen = new ArrayList<>();
    MigrationListener recording = new MigrationListener() {
      @Override
      public void warning(MigrationEvent.Warning event) {
        seen.add(event);
      }
    };

    MigrationListener.composite(THROWING, recording).warning(WARNING);

    assertThat(seen).containsExactly(WARNING);
  }

  @Test
  void none_everyMethod_doesNothing() {
    assertThatCode(() -> {
      MigrationListener.NONE.warning(WARNING);
      MigrationListener.NONE.stepStarted(new MigrationEvent.StepStarted("s", Instant.EPOCH, "d"));
    }).doesNotThrowAnyException();
    assertThat(MigrationListener.NONE).hasToString("MigrationListener.NONE");
  }
}
