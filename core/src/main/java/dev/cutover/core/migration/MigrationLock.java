package dev.cutover.core.migration;

import dev.cutover.core.MigrationException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exclusive lock of one migration: an operating-system file lock on {@code <journal>.lock}
 * beside the journal, plus a record in that file of who holds it ({@link LockHolder}). One run,
 * resume or rollback at a time holds it from before its first request to its last journal write;
 * a second process, or a second run in the same JVM, is refused at once with
 * {@link MigrationLockedException} naming the holder.
 *
 * <p>A lock whose process is gone (killed: the operating system released the file lock, the record
 * stayed) is taken over when its record names this host and a process that is not alive (or this
 * JVM); {@link #takenOver()} says from whom, and the run logs it. A record from another host is not
 * taken over: this host cannot tell whether that run is alive.
 *
 * <p>Get one with {@link #acquire}; {@link MigrationPlan#run()} and friends take their own unless
 * {@link Migration#lock(MigrationLock)} hands them this one (a CLI takes it before any request,
 * plans, then runs). Whoever acquires closes; {@link #close()} is idempotent.
 */
public final class MigrationLock implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MigrationLock.class);
  /*
   * POSIX record locks belong to the process, and closing ANY descriptor of the file releases them:
   * a second run in this JVM must be refused without ever opening the lock file. Hence this one
   * JVM-wide table of the locks this process holds (the operating system keeps the same fact).
   */
  private static final Map<String, LockHolder> HELD_HERE = new ConcurrentHashMap<>();

  private final Path journal;
  private final Path file;
  private final LockHolder holder;
  private final LockHolder takenOver;
  private FileChannel channel;
  private FileLock lock;

  private MigrationLock(Path journal, Path file, LockHolder holder, LockHolder takenOver, FileChannel channel,
      FileLock lock) {
    this.journal = journal;
    this.file = file;
    this.holder = holder;
    this.takenOver = takenOver;
    this.channel = channel;
    this.lock = lock;
  }

  /** The lock file of {@code journal}: {@code <name without .json>.lock} beside it. */
  public static Path fileFor(Path journal) {
    Path j = journal.toAbsolutePath().normalize();
    String name = j.getFileName().toString();
    return j.resolveSibling((name.endsWith(".json") ? name.substring(0, name.length() - 5) : name) + ".lock");
  }

  /**
   * Takes the lock of the migration journalled at {@code journal} for {@code command} (e.g.
   * {@code migrate}), creating the directory and the lock file if needed. Never waits.
   *
   * @throws MigrationLockedException when another process or another run in this JVM holds it, or
   *     its record names another host
   * @throws MigrationException when the lock file cannot be created or written
   */
  public static MigrationLock acquire(Path journal, String command) {
    return acquire(journal, command, Clock.systemUTC());
  }

  static MigrationLock acquire(Path journal, String command, Clock clock) {
    Objects.requireNonNull(command, "command");
    Path j = journal.toAbsolutePath().normalize();
    Path file = fileFor(j);
    LockHolder me = new LockHolder(ProcessHandle.current().pid(), hostName(), userName(), clock.instant(), command);
    LockHolder here = HELD_HERE.putIfAbsent(file.toString(), me);
    if (here != null) {
      throw locked(file, here, "this process already runs it (" + here + ")");
    }
    try {
      return take(j, file, me);
    } catch (RuntimeException | Error e) {
      HELD_HERE.remove(file.toString(), me);
      throw e;
    }
  }

  private static MigrationLock take(Path journal, Path file, LockHolder me) {
    // a file channel closes itself (and drops the lock) when an operation meets a set interrupt flag:
    // taking the lock never blocks, so the flag waits until it is taken
    boolean interrupted = Thread.interrupted();
    try {
      Files.createDirectories(file.getParent());
      for (int attempt = 0; attempt < 5; attempt++) {
        try {
          Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
          // a holder's, or one a killed holder left: the lock decides
        }
        Object before = fileKey(file);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
        FileLock fl;
        try {
          fl = ch.tryLock();
        } catch (OverlappingFileLockException e) {
          ch.close();
          throw locked(file, null, "another run in this JVM holds it");
        }
        if (fl == null) {
          ch.close();
          Optional<LockHolder> holder = readHolder(file);
          throw locked(file, holder.orElse(null), holder.map(h -> "held by " + h)
              .orElse("held by another process (its record is not written yet)"));
        }
        // the holder before us deletes the file as it releases: make sure we locked the file the path names
        if (before == null || !before.equals(fileKey(file))) {
          fl.release();
          ch.close();
          continue;
        }
        Optional<LockHolder> previous = LockHolder.parse(read(ch));
        Optional<String> refusal = previous.flatMap(p -> refusal(p, me, file));
        if (refusal.isPresent()) {
          fl.release();
          ch.close();
          throw locked(file, previous.get(), refusal.get());
        }
        write(ch, me);
        previous.ifPresent(p -> log.warn("Took over the lock of {} from {}: that process is gone", journal, p));
        return new MigrationLock(journal, file, me, previous.orElse(null), ch, fl);
      }
      throw new MigrationException("lock", "lock: " + file + " keeps being replaced while it is taken; check that"
          + " nothing else deletes it, then try again", true, null);
    } catch (IOException e) {
      throw new MigrationException("lock", "lock: cannot take " + file + " (" + e.getClass().getSimpleName() + ": "
          + e.getMessage() + "); check the work directory is writable", false, e);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Why a record left in a lock that is free must not be taken over: it names another host (whose
   * processes this host cannot see), or a process here that is still alive (then the file lock was
   * lost some other way, e.g. a tool that opened and closed the lock file inside that process).
   */
  private static Optional<String> refusal(LockHolder previous, LockHolder me, Path file) {
    if (previous.pid() < 0 || previous.pid() == me.pid() && previous.host().equals(me.host())) {
      return Optional.empty();
    }
    if (!previous.host().equals(me.host())) {
      return Optional.of("left by " + previous + " on another host, which this host cannot check; if that run is not"
          + " running any more, delete " + file + " and try again");
    }
    if (alive(previous)) {
      return Optional.of("its record names " + previous + ", which is still running although the file lock is free;"
          + " if that process is not a Cutover run (its pid was reused), delete " + file + " and try again");
    }
    return Optional.empty();
  }

  /** The journal this lock guards. */
  public Path journal() {
    return journal;
  }

  /** The lock file. */
  public Path file() {
    return file;
  }

  /** This process, as the lock's record names it. */
  public LockHolder holder() {
    return holder;
  }

  /** The holder whose process was gone when this lock was taken over from it, if it was. */
  public Optional<LockHolder> takenOver() {
    return Optional.ofNullable(takenOver);
  }

  /** Whether this lock is still held (not closed). */
  public synchronized boolean isHeld() {
    return lock != null && lock.isValid();
  }

  /**
   * Releases the lock and deletes the lock file (so a lock file on disk always means a run holds it,
   * or one was killed). Idempotent; never throws. An interrupted thread still releases.
   */
  @Override
  public synchronized void close() {
    if (channel == null) {
      return;
    }
    boolean interrupted = Thread.interrupted();
    try {
      Files.deleteIfExists(file);
      lock.release();
    } catch (IOException e) {
      log.warn("Releasing the lock {}: {}", file, e.toString());
    } finally {
      try {
        channel.close();
      } catch (IOException e) {
        log.warn("Closing the lock {}: {}", file, e.toString());
      }
      channel = null;
      lock = null;
      HELD_HERE.remove(file.toString(), holder);
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** The holder named in {@code journal}'s lock file, if the file exists and reads. Reads only. */
  static Optional<LockHolder> recordedHolder(Path journal) {
    Path file = fileFor(journal);
    LockHolder here = HELD_HERE.get(file.toString());
    // never open a lock file this process holds: closing the descriptor would release the lock
    return here != null ? Optional.of(here) : readHolder(file);
  }

  private static Optional<LockHolder> readHolder(Path file) {
    try {
      return LockHolder.parse(dev.cutover.core.report.internal.AtomicFiles.read(file));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static String read(FileChannel ch) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate((int) Math.min(ch.size(), 64 * 1024));
    while (buf.hasRemaining() && ch.read(buf, buf.position()) > 0) {
      // read until full
    }
    return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
  }

  private static void write(FileChannel ch, LockHolder me) throws IOException {
    byte[] bytes = me.toJson().getBytes(StandardCharsets.UTF_8);
    ch.truncate(0);
    ByteBuffer buf = ByteBuffer.wrap(bytes);
    while (buf.hasRemaining()) {
      ch.write(buf, buf.position());
    }
    ch.force(true);
  }

  private static Object fileKey(Path file) {
    try {
      BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
      return attrs.fileKey() != null ? attrs.fileKey() : attrs.creationTime();
    } catch (IOException e) {
      return null;
    }
  }

  private static MigrationLockedException locked(Path file, LockHolder holder, String why) {
    return new MigrationLockedException(file, holder, "lock: refused, the migration is locked: " + why + ". Nothing was"
        + " changed or sent. Wait for that run to finish (or, if it was killed, run again: a lock whose process is gone"
        + " is taken over).");
  }

  static String hostName() {
    String env = System.getenv("HOSTNAME");
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException | RuntimeException e) {
      return env == null || env.isBlank() ? "localhost" : env;
    }
  }

  static String userName() {
    return Optional.ofNullable(System.getProperty("user.name")).filter(u -> !u.isBlank()).orElse("unknown");
  }

  /** Whether {@code holder}'s process is still running on this host. */
  static boolean alive(LockHolder holder) {
    return holder.pid() > 0 && ProcessHandle.of(holder.pid()).map(ProcessHandle::isAlive).orElse(false);
  }

  @Override
  public String toString() {
    return "MigrationLock[" + file + ", " + holder + (isHeld() ? "" : ", released") + "]";
  }
}
