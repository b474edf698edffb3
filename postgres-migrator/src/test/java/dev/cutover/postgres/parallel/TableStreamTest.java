package dev.cutover.postgres.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TableStreamTest {
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private static byte[] copyText(int rows, int longRowAt) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < rows; i++) {
      b.append(i).append('\t').append(i == longRowAt ? "x".repeat(3 * TableStream.CHUNK) : "row " + i).append('\n');
    }
    return b.append("\\.\n\n\n").toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void consume_threeConsumers_eachGetsOnlyWholeRowsAndTogetherEverything() throws Exception {
    byte[] text = copyText(300_000, 1_000);
    TableStream stream = new TableStream(3);
    pool.execute(() -> stream.produce(() -> new ByteArrayInputStream(text)));
    List<Future<byte[]>> parts = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      parts.add(pool.submit(() -> {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        stream.consume((b, len) -> {
          got.write(b, 0, len);
          Thread.sleep(1);
        });
        return got.toByteArray();
      }));
    }
    List<String> rows = new ArrayList<>();
    long bytes = 0;
    for (Future<byte[]> f : parts) {
      byte[] part = f.get();
      bytes += part.length;
      String s = new String(part, StandardCharsets.UTF_8);
      assertThat(s.isEmpty() || s.endsWith("\n")).isTrue();
      s.lines().forEach(rows::add);
    }

    assertThat(bytes).isEqualTo(text.length);
    assertThat(rows).contains("1000\t" + "x".repeat(3 * TableStream.CHUNK), "299999\trow 299999", "\\.");
    assertThat(rows.stream().filter(r -> r.startsWith("1000\t"))).hasSize(1);
  }

  @Test
  void consume_sourceThrowsAnError_consumerFailsInsteadOfWaiting() {
    TableStream stream = new TableStream(2);
    pool.execute(() -> stream.produce(() -> {
      throw new NoClassDefFoundError("net/jpountz/lz4/LZ4FrameInputStream");
    }));

    assertTimeoutPreemptively(Duration.ofSeconds(10), () ->
        assertThatThrownBy(() -> stream.consume((b, len) -> { })).isInstanceOf(IOException.class)
            .hasMessageContaining("LZ4FrameInputStream"));
  }

  @Test
  void consume_abortedWhileLoading_failsAsCancelledAndProducerStops() throws Exception {
    TableStream stream = new TableStream(1);
    Future<?> producer = pool.submit(() -> stream.produce(() -> new java.io.InputStream() {
      @Override
      public int read() {
        return 'a';
      }

      @Override
      public int read(byte[] b, int off, int len) {
        java.util.Arrays.fill(b, off, off + len, (byte) '\n');
        return len;
      }
    }));

    assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
      assertThatThrownBy(() -> stream.consume((b, len) -> stream.abort())).isInstanceOf(TableStream.Cancelled.class);
      producer.get();
    });
  }
}
