package dev.cutover.redis.internal;

import dev.cutover.core.MigrationException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Copies batches of keys with their TTLs: {@code PTTL} and {@code MEMORY USAGE} for the batch in one
 * round trip, then, per group of keys fitting the byte budget, {@code DUMP} pipelined on the source
 * while each payload, as it arrives, is sent on as {@code RESTORE key ttl payload REPLACE} to the
 * target; the target's replies are read once per batch. A payload is held once, and only until it
 * is written to the target.
 *
 * <p>Strings of {@link #CHUNK_BYTES} or more are streamed instead: {@code GETRANGE} a chunk at a time
 * (a few in flight) into {@code SETRANGE}, then {@code PEXPIREAT}. {@code DUMP} would
 * make the source try to compress the whole value and checksum it on its one thread, and hold it
 * whole in the source's output buffer and in this JVM; a chunk is all this holds of such a key. A
 * string that changes length while read is deleted from the target instead of copied torn.
 *
 * <p>TTLs are sent as absolute times on the target's clock ({@code RESTORE … ABSTTL},
 * {@code PEXPIREAT}): the source's {@code PTTL} counted from before it was asked (monotonic clock),
 * mapped onto the target's {@code TIME} read after it answered. Both errors make the target's expiry
 * earlier, never later, and the time a command waits in a buffer does not stretch it: a key never
 * outlives its source copy. A key gone from the source, or whose TTL ran out meanwhile, is deleted
 * from the target instead, so that a key copied before a crash cannot come back on resume.
 */
public final class CopyWorker implements Walk.Worker {
  private static final String STEP = "redis.copy";
  /** Strings at least this big are streamed in chunks of this size instead of {@code DUMP}ed. */
  public static final int CHUNK_BYTES = 1024 * 1024;
  /** {@code GETRANGE}s in flight: bounds what a streamed string puts in the source's output buffer. */
  private static final int CHUNKS_AHEAD = 4;
  private final Link source;
  private final Link target;
  private static final byte[] STRING = Link.bytes("string");
  private final long budgetBytes;
  private boolean sizesRefused;
  private long targetClockOffsetMs;
  private long clockSyncedAt;
  private boolean clockSynced;
  /** The key of each target reply not read yet, in order (for the message when one is an error). */
  private final List<byte[]> unread = new ArrayList<>();

  /** Takes ownership of both links. */
  public CopyWorker(Link source, Link target, long budgetBytes) {
    this.source = source;
    this.target = target;
    this.budgetBytes = budgetBytes;
  }

  @Override
  public Walk.Tally handle(int db, List<byte[]> keys) {
    syncTargetClock();
    source.select(db);
    target.select(db);
    int n = keys.size();
    long[] pttl = new long[n];
    long[] size = new long[n];
    boolean askSizes = !sizesRefused;
    for (byte[] key : keys) {
      source.send(Link.Cmd.PTTL, key);
      if (askSizes) {
        source.send(Link.Cmd.MEMORY, Link.bytes("USAGE"), key);
      }
    }
    long askedAt = System.nanoTime();
    source.readSelect();
    for (int i = 0; i < n; i++) {
      pttl[i] = number(source.read(), db, keys.get(i), "PTTL");
      if (askSizes) {
        Object usage = source.read();
        sizesRefused |= usage instanceof JedisDataException;
        size[i] = usage instanceof Long l ? l : 0;
      }
    }
    long[] length = streamedLengths(keys, pttl, size);
    long copied = 0;
    long bytes = 0;
    long expired = 0;
    int start = 0;
    for (int end : Keys.groups(size, budgetBytes)) {
      for (int i = start; i < end; i++) {
        if (pttl[i] != -2 && length[i] < 0) {
          source.send(Link.Cmd.DUMP, keys.get(i));
        }
      }
      for (int i = start; i < end; i++) {
        byte[] key = keys.get(i);
        if (length[i] >= 0) {
          continue;
        }
        Object payload = pttl[i] == -2 ? null : source.read();
        if (payload instanceof JedisDataException e) {
          throw new MigrationException(STEP, STEP + ": the source Redis refused DUMP of " + Keys.show(db, key) + " ("
              + e.getMessage() + "). The add-on's plan may not allow DUMP; copy this key by hand or ask the provider",
              false, e);
        }
        long expiresAt = expiresAt(askedAt, pttl[i]);
        if (payload == null || (pttl[i] >= 0 && expiresAt <= targetNowMs())) {
          toTarget(key, Link.Cmd.DEL, key);
          expired++;
        } else {
          byte[] dump = (byte[]) payload;
          if (pttl[i] < 0) {
            toTarget(key, Link.Cmd.RESTORE, key, Link.bytes(0), dump, Link.bytes("REPLACE"));
          } else {
            toTarget(key, Link.Cmd.RESTORE, key, Link.bytes(expiresAt), dump, Link.bytes("REPLACE"),
                Link.bytes("ABSTTL"));
          }
          copied++;
          bytes += dump.length;
        }
      }
      start = end;
    }
    for (int i = 0; i < n; i++) {
      if (length[i] >= 0) {
        long streamed = stream(keys.get(i), length[i], pttl[i] < 0 ? -1 : expiresAt(askedAt, pttl[i]));
        copied += streamed < 0 ? 0 : 1;
        expired += streamed < 0 ? 1 : 0;
        bytes += Math.max(streamed, 0);
      }
    }
    target.readSelect();
    MigrationException refused = null;
    for (byte[] key : unread) {
      Object reply = target.read();
      if (reply instanceof JedisDataException e && refused == null) {
        refused = targetRefused(db, key, e);
      }
    }
    unread.clear();
    if (refused != null) {
      throw refused;
    }
    return new Walk.Tally(copied, bytes, expired);
  }

  /**
   * The length of each key to {@link #stream} ({@code -1} for the others): the strings whose
   * {@code MEMORY USAGE} is at least a chunk, found with {@code TYPE} and {@code STRLEN} in one round
   * trip. Their sizes are zeroed, so they take no room in a {@code DUMP} group.
   */
  private long[] streamedLengths(List<byte[]> keys, long[] pttl, long[] size) {
    long[] length = new long[keys.size()];
    Arrays.fill(length, -1);
    List<Integer> big = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      if (pttl[i] != -2 && size[i] >= CHUNK_BYTES) {
        source.send(Link.Cmd.TYPE, keys.get(i));
        source.send(Link.Cmd.STRLEN, keys.get(i));
        big.add(i);
      }
    }
    for (int i : big) {
      Object type = source.read();
      Object strlen = source.read();
      if (type instanceof byte[] t && Arrays.equals(t, STRING) && strlen instanceof Long l) {
        length[i] = l;
        size[i] = 0;
      }
    }
    return length;
  }

  /**
   * Streams a string of {@code length} bytes: {@code DEL}, then {@code SETRANGE} chunk by chunk, the
   * last one first (so the target allocates the whole string once, where {@code APPEND} would
   * reallocate and copy it at every chunk), then {@code PEXPIREAT expiresAt} unless it is {@code -1}.
   * Deletes the key from the target instead when its TTL has run out, or when it was not
   * {@code length} bytes long as read (changed or gone).
   *
   * @return the bytes copied, or {@code -1} when deleted
   */
  private long stream(byte[] key, long length, long expiresAt) {
    long chunks = (length + CHUNK_BYTES - 1) / CHUNK_BYTES;
    long asked = 0;
    boolean whole = length > 0;
    toTarget(key, Link.Cmd.DEL, key);
    for (long c = 0; c < chunks; c++) {
      for (; asked < chunks && asked < c + CHUNKS_AHEAD; asked++) {
        long from = offset(asked, chunks);
        source.send(Link.Cmd.GETRANGE, key, Link.bytes(from), Link.bytes(Math.min(length, from + CHUNK_BYTES) - 1));
      }
      long from = offset(c, chunks);
      Object chunk = source.read();
      whole &= chunk instanceof byte[] b && b.length == Math.min(CHUNK_BYTES, length - from);
      if (whole) {
        toTarget(key, Link.Cmd.SETRANGE, key, Link.bytes(from), (byte[]) chunk);
      }
    }
    if (!whole || (expiresAt >= 0 && expiresAt <= targetNowMs())) {
      toTarget(key, Link.Cmd.DEL, key);
      return -1;
    }
    if (expiresAt >= 0) {
      toTarget(key, Link.Cmd.PEXPIREAT, key, Link.bytes(expiresAt));
    }
    return length;
  }

  /** Where the {@code c}-th chunk streamed starts: the last chunk first, then the others in order. */
  private static long offset(long c, long chunks) {
    return (c == 0 ? chunks - 1 : c - 1) * CHUNK_BYTES;
  }

  private void toTarget(byte[] key, Link.Cmd command, byte[]... args) {
    target.send(command, args);
    unread.add(key);
  }

  /** When a key whose {@code PTTL} was asked at {@code askedAt} (monotonic) expires, on the target's clock. */
  private long expiresAt(long askedAt, long pttl) {
    return targetClockOffsetMs + TimeUnit.NANOSECONDS.toMillis(askedAt) + pttl;
  }

  /** Reads the target's clock ({@code TIME}) once a minute; the offset maps the monotonic clock onto it. */
  private void syncTargetClock() {
    if (clockSynced && System.nanoTime() - clockSyncedAt < TimeUnit.MINUTES.toNanos(1)) {
      return;
    }
    List<?> time = (List<?>) target.call(Link.Cmd.TIME);
    long received = System.nanoTime();
    long targetMs = Long.parseLong(text(time.get(0))) * 1000 + Long.parseLong(text(time.get(1))) / 1000;
    targetClockOffsetMs = targetMs - TimeUnit.NANOSECONDS.toMillis(received);
    clockSyncedAt = received;
    clockSynced = true;
  }

  private long targetNowMs() {
    return targetClockOffsetMs + TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
  }

  private static String text(Object reply) {
    return new String((byte[]) reply, java.nio.charset.StandardCharsets.US_ASCII);
  }

  private MigrationException targetRefused(int db, byte[] key, JedisDataException e) {
    String m = String.valueOf(e.getMessage());
    String what = STEP + ": the target Redis (" + Link.where(target.server()) + ") refused " + Keys.show(db, key)
        + " (" + m + ")";
    if (m.startsWith("OOM")) {
      return new MigrationException(STEP, what + ": it is out of memory. Give the target more memory than the"
          + " source uses (a larger container size), then resume", false, e);
    }
    if (m.contains("payload version") || m.contains("Bad data format")) {
      return new MigrationException(STEP, what + ": it cannot read the source's DUMP format, so it is an older Redis"
          + " than the source. Create the target with the source's version or newer, then copy again", false, e);
    }
    if (m.startsWith("READONLY")) {
      return new MigrationException(STEP, what + ": it is a read-only replica. Copy into the primary", false, e);
    }
    return new MigrationException(STEP, what + ". Fix the target, then resume", false, e);
  }

  private long number(Object reply, int db, byte[] key, String command) {
    if (reply instanceof Long l) {
      return l;
    }
    throw new MigrationException(STEP, STEP + ": the source Redis answered " + command + " of " + Keys.show(db, key)
        + " with " + (reply instanceof Exception e ? e.getMessage() : String.valueOf(reply)), false,
        reply instanceof Exception e ? e : null);
  }

  @Override
  public void close() {
    source.close();
    target.close();
  }

  @Override
  public String toString() {
    return "CopyWorker[" + source + " -> " + target + "]";
  }
}
