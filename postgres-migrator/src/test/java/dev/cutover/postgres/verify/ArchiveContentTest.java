package dev.cutover.postgres.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArchiveContentTest {
  private static List<byte[]> all(String copyText) {
    List<byte[]> out = new ArrayList<>();
    for (Iterator<byte[]> it = ArchiveContent.batches(new ByteArrayInputStream(copyText.getBytes(StandardCharsets.UTF_8)));
        it.hasNext(); ) {
      out.add(it.next());
    }
    return out;
  }

  @Test
  void batches_stopAtTheEndMarkerAndDropWhatFollows() {
    List<byte[]> b = all("1\ta\n2\t\\N\n\\.\n\n\n");

    assertThat(b).singleElement().satisfies(x -> assertThat(new String(x, StandardCharsets.UTF_8)).isEqualTo("1\ta\n2\t\\N\n"));
  }

  @Test
  void batches_largeInput_wholeLinesOnly_nothingLostOrAdded() {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 400_000; i++) {
      text.append(i).append('\t').append("value with an escaped \\n and tab \\t ").append(i % 7).append('\n');
    }
    String body = text.toString();
    List<byte[]> b = all(body + "\\.\n");

    assertThat(b.size()).isGreaterThan(1);
    ByteArrayOutputStream joined = new ByteArrayOutputStream();
    for (byte[] x : b) {
      assertThat(x[x.length - 1]).as("ends with a whole line").isEqualTo((byte) '\n');
      joined.write(x, 0, x.length);
    }
    assertThat(joined.toString(StandardCharsets.UTF_8)).isEqualTo(body);
  }

  @Test
  void batches_emptyTable() {
    assertThat(all("\\.\n\n\n")).isEmpty();
    assertThat(all("")).isEmpty();
  }

  @Test
  void largeObjectHasher_matchesTheServerDefinition() throws Exception {
    // md5 over the md5 hex of each 1 MiB piece; an empty object is one empty piece
    java.security.MessageDigest md5 = java.security.MessageDigest.getInstance("MD5");
    String emptyPiece = java.util.HexFormat.of().formatHex(md5.digest(new byte[0]));
    String expectedEmpty = java.util.HexFormat.of().formatHex(md5.digest(emptyPiece.getBytes(StandardCharsets.US_ASCII)));
    assertThat(new LargeObjects.Hasher().finish(1).digest()).isEqualTo(expectedEmpty);

    byte[] data = new byte[LargeObjects.PIECE + 10];
    java.util.Arrays.fill(data, (byte) 7);
    LargeObjects.Hasher h = new LargeObjects.Hasher();
    h.update(data, 0, 100);
    h.update(data, 100, data.length - 100);
    String p1 = java.util.HexFormat.of().formatHex(md5.digest(java.util.Arrays.copyOf(data, LargeObjects.PIECE)));
    String p2 = java.util.HexFormat.of().formatHex(md5.digest(new byte[] {7, 7, 7, 7, 7, 7, 7, 7, 7, 7}));
    String expected = java.util.HexFormat.of().formatHex(md5.digest((p1 + p2).getBytes(StandardCharsets.US_ASCII)));
    LargeObjects.Lo lo = h.finish(9);
    assertThat(lo.digest()).isEqualTo(expected);
    assertThat(lo.size()).isEqualTo(data.length);
  }
}
