package dev.cutover.postgres.parallel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cutover.core.Secret;
import dev.cutover.postgres.archive.IncomingArchive;
import dev.cutover.testkit.heroku.FakeHeroku;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Test and benchmark helper: a backup of a {@link FakeHeroku} app captured through its data API (a real
 * {@code pg_dump -Fc}, written through a pipe as Heroku's are), and the signed HTTPS download of it into a
 * file that an {@link IncomingArchive} follows. The downloader is Java's own HTTP client (the SDK's
 * downloader lives in the Heroku adapter, which this module must not use).
 */
public final class FakeBackups {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FakeBackups() {}

  /** Captures a backup of {@code app}'s database and returns its signed download URL. Blocks until the dump is done. */
  public static String capture(FakeHeroku fake, String app) throws IOException, InterruptedException {
    return capture(fake.apiUrl(), fake.apiKey(), app);
  }

  /** As {@link #capture(FakeHeroku, String)}, for a fake running in another JVM (its API root and key). */
  public static String capture(String apiUrl, Secret apiKey, String app) throws IOException, InterruptedException {
    FakeApi fake = new FakeApi(apiUrl, apiKey);
    HttpClient http = HttpClient.newHttpClient();
    String addon = null;
    for (JsonNode a : call(http, fake, "GET", "/apps/" + app + "/addons")) {
      if (a.path("addon_service").path("name").asText().equals("heroku-postgresql")
          || a.path("plan").path("name").asText().startsWith("heroku-postgresql")) {
        addon = a.path("id").asText();
      }
    }
    if (addon == null) {
      throw new IllegalStateException(app + " has no heroku-postgresql add-on");
    }
    JsonNode transfer = call(http, fake, "POST", "/client/v11/databases/" + addon + "/backups");
    long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
    while (transfer.path("finished_at").isNull() || transfer.path("finished_at").isMissingNode()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the backup did not finish: " + transfer);
      }
      Thread.sleep(20);
      transfer = call(http, fake, "GET", "/client/v11/apps/" + app + "/transfers/" + transfer.path("uuid").asText());
    }
    if (!transfer.path("succeeded").asBoolean()) {
      throw new IllegalStateException("the backup failed: " + transfer);
    }
    return call(http, fake, "POST", "/client/v11/apps/" + app + "/transfers/" + transfer.path("num").asInt()
        + "/actions/public-url").path("url").asText();
  }

  private record FakeApi(String apiUrl, Secret apiKey) {}

  private static JsonNode call(HttpClient http, FakeApi fake, String method, String path)
      throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(fake.apiUrl() + path))
        .header("Authorization", "Bearer " + fake.apiKey().reveal())
        .header("Accept", "application/vnd.heroku+json; version=3")
        .method(method, HttpRequest.BodyPublishers.noBody()).build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IOException(method + " " + path + ": " + response.statusCode() + " " + response.body());
    }
    return JSON.readTree(response.body());
  }

  /**
   * Downloads {@code url} into {@code file} (created), telling {@code incoming} as bytes arrive, and
   * {@code complete()} or {@code fail(e)} at the end (a download cut short by the server fails: fewer bytes
   * than its Content-Length).
   *
   * @return the bytes written
   */
  public static long download(String url, Path caPem, Path file, IncomingArchive incoming) {
    try {
      HttpClient http = HttpClient.newBuilder().sslContext(trusting(caPem)).build();
      HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
          HttpResponse.BodyHandlers.ofInputStream());
      if (response.statusCode() != 200) {
        throw new IOException("download answered " + response.statusCode());
      }
      long expected = response.headers().firstValueAsLong("Content-Length").orElse(-1);
      long written = 0;
      byte[] buf = new byte[1 << 16];
      try (InputStream in = response.body();
          OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
          out.write(buf, 0, n);
          out.flush();
          written += n;
          incoming.grew();
        }
      }
      if (expected >= 0 && written != expected) {
        throw new IOException("connection closed after " + written + " of " + expected + " bytes");
      }
      incoming.complete();
      return written;
    } catch (IOException | RuntimeException e) {
      incoming.fail(e);
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      incoming.fail(e);
      return -1;
    } catch (Exception e) {
      incoming.fail(e);
      return -1;
    }
  }

  private static SSLContext trusting(Path caPem) throws Exception {
    KeyStore keys = KeyStore.getInstance(KeyStore.getDefaultType());
    keys.load(null, null);
    try (InputStream in = Files.newInputStream(caPem)) {
      keys.setCertificateEntry("fake-heroku", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(keys);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    return tls;
  }
}
