package dev.cutover.postgres.archive;

import dev.cutover.core.PgToolException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/** PostgreSQL server encoding names mapped to Java charsets. */
final class Encodings {
  private static final Map<String, String> JAVA = Map.ofEntries(
      Map.entry("UTF8", "UTF-8"), Map.entry("UNICODE", "UTF-8"), Map.entry("SQL_ASCII", "ISO-8859-1"),
      Map.entry("LATIN1", "ISO-8859-1"), Map.entry("LATIN2", "ISO-8859-2"), Map.entry("LATIN3", "ISO-8859-3"),
      Map.entry("LATIN4", "ISO-8859-4"), Map.entry("LATIN5", "ISO-8859-9"), Map.entry("LATIN7", "ISO-8859-13"),
      Map.entry("LATIN9", "ISO-8859-15"), Map.entry("ISO_8859_5", "ISO-8859-5"), Map.entry("ISO_8859_6", "ISO-8859-6"),
      Map.entry("ISO_8859_7", "ISO-8859-7"), Map.entry("ISO_8859_8", "ISO-8859-8"), Map.entry("WIN1250", "windows-1250"),
      Map.entry("WIN1251", "windows-1251"), Map.entry("WIN1252", "windows-1252"), Map.entry("WIN1253", "windows-1253"),
      Map.entry("WIN1254", "windows-1254"), Map.entry("WIN1255", "windows-1255"), Map.entry("WIN1256", "windows-1256"),
      Map.entry("WIN1257", "windows-1257"), Map.entry("WIN1258", "windows-1258"), Map.entry("KOI8R", "KOI8-R"),
      Map.entry("KOI8U", "KOI8-U"), Map.entry("EUC_JP", "EUC-JP"), Map.entry("EUC_KR", "EUC-KR"),
      Map.entry("EUC_CN", "GB2312"), Map.entry("WIN866", "IBM866"), Map.entry("WIN874", "x-windows-874"));

  private Encodings() {}

  static Charset charset(String pgName, String source) {
    String java = JAVA.get(pgName.toUpperCase(Locale.ROOT));
    if (java == null || !Charset.isSupported(java)) {
      throw new PgToolException("archive.read", "archive.read: unrecognized encoding \"" + pgName + "\" (" + source
          + "); convert the database to UTF8 or restore it with pg_restore", false, null);
    }
    return java.equals("UTF-8") ? StandardCharsets.UTF_8 : Charset.forName(java);
  }
}
