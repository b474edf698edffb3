package dev.cutover.redis;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.Secret;
import dev.cutover.core.model.RedisConnection;
import dev.cutover.core.model.RedisCopyState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * A copy in a child JVM: {@code CopyMain SOURCE_TLS_PORT PIN TARGET_PORT JOURNAL [verify]},
 * passwords in {@code SOURCE_PASSWORD} and {@code TARGET_PASSWORD}. Journals every state to JOURNAL
 * (written beside it and renamed, as a pipeline journal would), so a SIGKILL leaves the last one
 * (the crash test); with {@code verify}, then verifies and exits 0 only when it passed (the memory
 * test runs it with a small {@code -Xmx}).
 */
public final class CopyMain {
  static final ObjectMapper JSON = new ObjectMapper();

  private CopyMain() {}

  public static void main(String[] args) {
    RedisConnection source = new RedisConnection("127.0.0.1", Integer.parseInt(args[0]), "",
        Secret.of(System.getenv("SOURCE_PASSWORD")), true, args[1]);
    RedisConnection target = new RedisConnection("127.0.0.1", Integer.parseInt(args[2]), "",
        Secret.of(System.getenv("TARGET_PASSWORD")), false, "");
    Path journal = Path.of(args[3]);
    RedisMigrator redis = RedisMigrator.builder().connections(2).build();
    RedisCopyState copied = redis.copy(source, target, Optional.empty(), false, state -> save(journal, state),
        MigrationListener.NONE);
    if (args.length > 4 && args[4].equals("verify") && !redis.verify(source, target, copied).passed()) {
      System.exit(3);
    }
  }

  static void save(Path journal, RedisCopyState state) {
    try {
      Path tmp = journal.resolveSibling(journal.getFileName() + ".tmp");
      JSON.writeValue(tmp.toFile(), state);
      Files.move(tmp, journal, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Optional<RedisCopyState> load(Path journal) {
    try {
      return Files.exists(journal) ? Optional.of(JSON.readValue(journal.toFile(), RedisCopyState.class)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty(); // being replaced right now
    }
  }
}
