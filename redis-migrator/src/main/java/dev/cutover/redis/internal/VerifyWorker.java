package dev.cutover.redis.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Compares batches of keys between source and target, in one of two walks: over the source's keys
 * (each one on the target with the same type, value and TTL) or over the target's (each one also on
 * the source). Values are compared by the SHA-256 of their {@code DUMP} payloads without the RDB
 * version and checksum trailer, computed as each payload arrives (held once); when two payloads
 * differ, by {@link LogicalDigest}, since equal values may be encoded differently.
 */
public final class VerifyWorker implements Walk.Worker {
  /** How far a target's TTL may exceed the source's (timing noise between the two reads). */
  static final long SLACK_MS = 1000;
  private static final int TRAILER = 10;

  private final Link source;
  private final Link target;
  private final Findings findings;
  private final long toleranceMs;
  private final long budgetBytes;
  private volatile boolean sourceSide = true;
  private boolean sizesRefused;

  /**
   * Takes ownership of both links; walks the source's keys until told otherwise.
   *
   * @param toleranceMs how much shorter a target TTL may be than the source's (the copy's duration)
   */
  public VerifyWorker(Link source, Link target, Findings findings, long toleranceMs, long budgetBytes) {
    this.source = source;
    this.target = target;
    this.findings = findings;
    this.toleranceMs = toleranceMs;
    this.budgetBytes = budgetBytes;
  }

  /** Whether the batches to come are the source's keys (else the target's). Call between walks only. */
  public void walkSourceKeys(boolean sourceKeys) {
    this.sourceSide = sourceKeys;
  }

  @Override
  public Walk.Tally handle(int db, List<byte[]> keys) {
    source.select(db);
    target.select(db);
    return sourceSide ? compare(db, keys) : extras(db, keys);
  }

  private Walk.Tally compare(int db, List<byte[]> keys) {
    int n = keys.size();
    String[] type = new String[n];
    long[] pttl = new long[n];
    long[] size = new long[n];
    boolean askSizes = !sizesRefused;
    for (byte[] key : keys) {
      source.send(Link.Cmd.TYPE, key);
      source.send(Link.Cmd.PTTL, key);
      if (askSizes) {
        source.send(Link.Cmd.MEMORY, Link.bytes("USAGE"), key);
      }
    }
    long askedAt = nowMs();
    source.readSelect();
    for (int i = 0; i < n; i++) {
      type[i] = text(source.read());
      pttl[i] = source.read() instanceof Long l ? l : -2;
      if (askSizes) {
        Object usage = source.read();
        sizesRefused |= usage instanceof JedisDataException;
        size[i] = usage instanceof Long l ? l : 0;
      }
    }
    long answeredAt = nowMs();
    long checked = 0;
    long bytes = 0;
    int start = 0;
    for (int end : Keys.groups(size, budgetBytes)) {
      byte[][] digest = new byte[n][];
      for (int i = start; i < end; i++) {
        if (!type[i].equals("none")) {
          source.send(Link.Cmd.DUMP, keys.get(i));
        }
      }
      for (int i = start; i < end; i++) {
        if (!type[i].equals("none")) {
          Object payload = source.read();
          digest[i] = digest(payload);
          bytes += payload instanceof byte[] b ? b.length : 0;
        }
      }
      for (int i = start; i < end; i++) {
        if (digest[i] != null) {
          target.send(Link.Cmd.TYPE, keys.get(i));
          target.send(Link.Cmd.PTTL, keys.get(i));
          target.send(Link.Cmd.DUMP, keys.get(i));
        }
      }
      long targetAskedAt = nowMs();
      target.readSelect();
      List<Integer> differing = new ArrayList<>();
      List<String> targetTypes = new ArrayList<>();
      for (int i = start; i < end; i++) {
        if (digest[i] == null) {
          continue; // gone from the source (expired) before it was read
        }
        checked++;
        String targetType = text(target.read());
        long targetTtl = target.read() instanceof Long l ? l : -2;
        byte[] targetDigest = digest(target.read());
        String problem = problem(type[i], pttl[i], new long[] {askedAt, answeredAt}, targetType, targetTtl,
            new long[] {targetAskedAt, nowMs()});
        if (problem == null && !Arrays.equals(digest[i], targetDigest)) {
          differing.add(i);
          targetTypes.add(targetType);
          continue;
        }
        findings.sourceKey(db, keys.get(i), problem);
      }
      for (int i : differing) {
        String expected = LogicalDigest.of(source, keys.get(i), type[i]);
        String actual = LogicalDigest.of(target, keys.get(i), type[i]);
        findings.sourceKey(db, keys.get(i), expected.equals(actual) ? null
            : "value differs (SHA-256 " + expected.substring(0, 16) + "… on the source, " + actual.substring(0, 16)
                + "… on the target)");
      }
      start = end;
    }
    return new Walk.Tally(checked, bytes, n - checked);
  }

  /**
   * What is wrong with the target's copy of a key, or {@code null}. Each TTL was read at some moment
   * within its window (monotonic ms, asked to answered), so each expiry is known within a window; the
   * target's may end up to the copy's duration earlier than the source's, never later.
   */
  private String problem(String type, long ttl, long[] asked, String targetType, long targetTtl, long[] targetAsked) {
    if (targetType.equals("none")) {
      return ttl >= 0 && asked[0] + ttl - targetAsked[1] <= toleranceMs ? Findings.EXPIRING : "missing on the target";
    }
    if (!type.equals(targetType)) {
      return "type " + type + " on the source, " + targetType + " on the target";
    }
    if ((ttl < 0) != (targetTtl < 0)) {
      return "TTL " + ttlText(ttl) + " on the source, " + ttlText(targetTtl) + " on the target";
    }
    if (ttl >= 0 && targetAsked[0] + targetTtl > asked[1] + ttl + SLACK_MS) {
      return "TTL " + ttl + " ms on the source, " + targetTtl + " ms on the target: it would outlive the source's key";
    }
    if (ttl >= 0 && targetAsked[1] + targetTtl < asked[0] + ttl - toleranceMs) {
      return "TTL " + ttl + " ms on the source, " + targetTtl + " ms on the target: shorter by more than the copy's "
          + toleranceMs + " ms";
    }
    return null;
  }

  private static long nowMs() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
  }

  private static String ttlText(long ttl) {
    return ttl < 0 ? "none" : ttl + " ms";
  }

  private Walk.Tally extras(int db, List<byte[]> keys) {
    for (byte[] key : keys) {
      target.send(Link.Cmd.PTTL, key);
      source.send(Link.Cmd.EXISTS, key);
    }
    target.readSelect();
    source.readSelect();
    long[] ttl = new long[keys.size()];
    for (int i = 0; i < keys.size(); i++) {
      ttl[i] = target.read() instanceof Long l ? l : -2;
    }
    long live = 0;
    for (int i = 0; i < keys.size(); i++) {
      boolean onSource = source.read() instanceof Long l && l > 0;
      if (ttl[i] != -2) {
        live++;
        findings.targetKey(db, keys.get(i), onSource || (ttl[i] >= 0 && ttl[i] <= SLACK_MS) ? null
            : "only on the target" + (ttl[i] < 0 ? "" : " (TTL " + ttl[i] + " ms)"));
      }
    }
    return new Walk.Tally(live, 0, keys.size() - live);
  }

  private static String text(Object reply) {
    return reply instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : "none";
  }

  private static byte[] digest(Object payload) {
    if (!(payload instanceof byte[] dump)) {
      return null;
    }
    MessageDigest md = LogicalDigest.sha256();
    md.update(dump, 0, Math.max(0, dump.length - TRAILER));
    return md.digest();
  }

  @Override
  public void close() {
    source.close();
    target.close();
  }

  @Override
  public String toString() {
    return "VerifyWorker[" + (sourceSide ? "source keys" : "target keys") + "]";
  }
}
