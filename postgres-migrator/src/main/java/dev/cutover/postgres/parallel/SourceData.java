package dev.cutover.postgres.parallel;

import java.io.IOException;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.copy.CopyOut;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;

/**
 * The data of a direct copy, read from the source in the shared snapshot: each part of a table is one
 * {@code COPY ... TO STDOUT} on a source session, read on its own thread and written to the target's
 * {@code COPY ... FROM STDIN} by the connection that loads it, so the source and target backends work at
 * the same time. Binary rows pass through unparsed (with {@code char(n)} blanks dropped, see
 * {@link CopyOutChunks}); the source's own binary header and trailer travel with them. One source session
 * per target connection: a part holds one for as long as it runs.
 */
final class SourceData implements RestoreInput {
  private final DirectToc toc;
  private final int serverVersion;
  private final long splitThresholdBytes;
  private final BlockingQueue<SourceSession> idle;
  private final List<SourceSession> sessions;
  private final ExecutorService producers = Executors.newCachedThreadPool(RestoreEngine.daemon("cutover-direct-read"));
  private final AtomicLong bytesRead = new AtomicLong();
  private final Set<TableStream> running = ConcurrentHashMap.newKeySet();

  SourceData(DirectToc toc, List<SourceSession> sessions, int serverVersion, long splitThresholdBytes) {
    this.toc = toc;
    this.serverVersion = serverVersion;
    this.splitThresholdBytes = splitThresholdBytes;
    this.sessions = List.copyOf(sessions);
    this.idle = new ArrayBlockingQueue<>(sessions.size(), false, sessions);
  }

  @Override
  public Map<Integer, Long> lengths() {
    Map<Integer, Long> out = new HashMap<>();
    toc.tables().forEach((id, t) -> out.put(id, t.bytes()));
    return out;
  }

  @Override
  public long totalBytes() {
    return -1;
  }

  @Override
  public long bytesRead() {
    return bytesRead.get();
  }

  @Override
  public void prepare(Session leader, Collection<Item> items) {
    // the format of each table was decided from the source catalogue
  }

  @Override
  public boolean splittable(Item item) {
    SourceTable t = toc.tables().get(item.id());
    return t != null && t.bytes() > splitThresholdBytes && t.splittable(serverVersion);
  }

  @Override
  public List<String> copyOptions(Item item) {
    SourceTable t = toc.tables().get(item.id());
    return t != null && t.binary() ? List.of("FORMAT binary") : List.of();
  }

  @Override
  public byte[] header(Item item) {
    return new byte[0];
  }

  @Override
  public byte[] trailer(Item item) {
    return new byte[0];
  }

  @Override
  public void start(Item item) {
    // each part starts its own COPY in feed
  }

  @Override
  public long feed(Item item, int part, TableStream.Sink sink) throws Exception {
    SourceTable table = toc.tables().get(item.id());
    if (table == null) {
      throw new IllegalStateException("no source table for " + item.describe());
    }
    SourceSession source = take();
    TableStream stream = new TableStream(1);
    running.add(stream);
    Future<?> producer = producers.submit(() -> stream.produce(out -> read(source, table, part, item.parts, out)));
    long[] bytes = {0};
    try {
      stream.consume((b, len) -> {
        sink.write(b, len);
        bytes[0] += len;
      });
      producer.get();
      idle.add(source);
      return bytes[0];
    } catch (Exception e) {
      // The source session stays out of the pool: its transaction may be in error now.
      stream.abort();
      source.cancel();
      throw e;
    } finally {
      running.remove(stream);
    }
  }

  /** One part's {@code COPY ... TO STDOUT}, pushed in chunks (the producer thread). */
  private void read(SourceSession source, SourceTable table, int part, int parts, BinaryCopy.Output out)
      throws SQLException, IOException, InterruptedException {
    CopyOut copy = source.copyOut(table.copyOut(part, parts));
    try {
      CopyOutChunks chunks = new CopyOutChunks(out, table.padded(), table.qualified());
      for (byte[] data = copy.readFromCopy(); data != null; data = copy.readFromCopy()) {
        bytesRead.addAndGet(data.length);
        if (out.stopped()) {
          return;
        }
        chunks.add(data);
      }
      chunks.finish();
    } finally {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    }
  }

  @Override
  public void abort() {
    running.forEach(TableStream::abort);
  }

  @Override
  public long largeObjects(Session target, Item item) throws Exception {
    List<Long> oids = toc.largeObjects().getOrDefault(item.id(), List.of());
    SourceSession source = take();
    boolean ok = false;
    try {
      LargeObjectManager from = source.largeObjects();
      LargeObjectManager to = target.pg().getLargeObjectAPI();
      byte[] buf = new byte[1 << 16];
      for (long oid : oids) {
        LargeObject in = from.open(oid, LargeObjectManager.READ);
        LargeObject out = to.open(oid, LargeObjectManager.WRITE);
        try {
          for (int r = in.read(buf, 0, buf.length); r > 0; r = in.read(buf, 0, buf.length)) {
            bytesRead.addAndGet(r);
            out.write(buf, 0, r);
          }
        } finally {
          out.close();
          in.close();
        }
      }
      ok = true;
      return oids.size();
    } finally {
      if (ok) {
        idle.add(source);
      }
    }
  }

  /** A source session nobody uses; there is one per target connection, so this waits only briefly. */
  private SourceSession take() throws InterruptedException {
    return idle.take();
  }

  @Override
  public void close() {
    abort();
    producers.shutdownNow();
    if (idle.size() < sessions.size()) {
      // some session was left in a cancelled or failed COPY
      sessions.stream().filter(s -> !idle.contains(s)).forEach(SourceSession::cancel);
    }
    sessions.forEach(SourceSession::close);
  }
}
