package dev.cutover.redis.internal;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Trusts exactly one server certificate: the one whose SHA-256 fingerprint is the pin, or, with no
 * pin yet, the first one it is shown (then pinned for every later handshake). Heroku Redis serves a
 * self-signed certificate that no CA vouches for; pinning it trusts that server and nothing else,
 * for the connections made through {@link #socketFactory()} only. The JVM's default trust is never
 * touched. Thread-safe.
 */
public final class CertificatePin implements X509TrustManager {
  private final AtomicReference<String> pin;
  private final SSLSocketFactory socketFactory;

  /** @param pin a fingerprint ({@code AB:CD:…}) or empty to pin on first use */
  public CertificatePin(String pin) {
    this.pin = new AtomicReference<>(pin);
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {this}, null);
      this.socketFactory = context.getSocketFactory();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no TLS in this JVM", e);
    }
  }

  /** A socket factory whose handshakes this pin checks. */
  public SSLSocketFactory socketFactory() {
    return socketFactory;
  }

  /** The pinned fingerprint, empty before the first handshake when none was given. */
  public String pin() {
    return pin.get();
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("the server presented no certificate");
    }
    String seen = fingerprint(chain[0]);
    pin.compareAndSet("", seen);
    if (!pin.get().equals(seen)) {
      throw new CertificateException("the server's certificate (SHA-256 " + seen + ", "
          + chain[0].getSubjectX500Principal().getName() + ") is not the pinned one (SHA-256 " + pin.get() + ")");
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("client certificates are not checked here");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }

  /** The certificate's SHA-256 fingerprint as {@code openssl x509 -fingerprint -sha256} prints it. */
  public static String fingerprint(X509Certificate certificate) throws CertificateEncodingException {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
      return HexFormat.ofDelimiter(":").formatHex(digest).toUpperCase(Locale.ROOT);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String toString() {
    return "CertificatePin[" + (pin.get().isEmpty() ? "on first use" : pin.get()) + "]";
  }
}
