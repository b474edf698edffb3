package dev.cutover.redis.internal;

import dev.cutover.core.MigrationException;
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
 * <p>TTLs are sent as absolute times on the target's clock ({@code RESTORE … ABSTTL}): the source's
 * {@code PTTL} counted from before it was asked (monotonic clock), mapped onto the target's
 * {@code TIME} read after it answered. Both errors make the target's expiry earlier, never later, and
 * the time a {@code RESTORE} waits in a buffer does not stretch it: a key never outlives its source
 * copy. A key gone from the source, or whose TTL ran out meanwhile, is deleted from the target
 * instead, so that a key copied before a crash cannot come back on resume.
 */
public final class CopyWorker implements Walk.Worker {
  private static final String STEP = "redis.copy";
  private final Link source;
  private final Link target;
  private final long budgetBytes;
  private boolean sizesRefused;
  private long targetClockOffsetMs;
  private long clockSyncedAt;
  private boolean clockSynced;

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
    long copied = 0;
    long bytes = 0;
    long expired = 0;
    int start = 0;
    for (int end : Keys.groups(size, budgetBytes)) {
      for (int i = start; i < end; i++) {
        if (pttl[i] != -2) {
          source.send(Link.Cmd.DUMP, keys.get(i));
        }
      }
      for (int i = start; i < end; i++) {
        byte[] key = keys.get(i);
        Object payload = pttl[i] == -2 ? null : source.read();
        if (payload instanceof JedisDataException e) {
          throw new MigrationException(STEP, STEP + ": the source Redis refused DUMP of " + Keys.show(db, key) + " ("
              + e.getMessage() + "). The add-on's plan may not allow DUMP; copy this key by hand or ask the provider",
              false, e);
        }
        long expiresAt = targetClockOffsetMs + TimeUnit.NANOSECONDS.toMillis(askedAt) + pttl[i];
        if (payload == null || (pttl[i] >= 0 && expiresAt <= targetNowMs())) {
          target.send(Link.Cmd.DEL, key);
          expired++;
        } else {
          byte[] dump = (byte[]) payload;
          if (pttl[i] < 0) {
            target.send(Link.Cmd.RESTORE, key, Link.bytes(0), dump, Link.bytes("REPLACE"));
          } else {
            target.send(Link.Cmd.RESTORE, key, Link.bytes(expiresAt), dump, Link.bytes("REPLACE"), Link.bytes("ABSTTL"));
          }
          copied++;
          bytes += dump.length;
        }
      }
      start = end;
    }
    target.readSelect();
    MigrationException refused = null;
    for (int i = 0; i < n; i++) {
      Object reply = target.read();
      if (reply instanceof JedisDataException e && refused == null) {
        refused = targetRefused(db, keys.get(i), e);
      }
    }
    if (refused != null) {
      throw refused;
    }
    return new Walk.Tally(copied, bytes, expired);
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
