package dev.cutover.redis.internal;

import dev.cutover.core.MigrationException;
import dev.cutover.core.model.RedisConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import redis.clients.jedis.ClientSetInfoConfig;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.args.Rawable;
import redis.clients.jedis.commands.ProtocolCommand;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;

/**
 * One RESP connection, used by one thread: commands are buffered by {@link #send} and go out when
 * the buffer fills or a reply is read, so a batch costs one round trip. A bulk reply is read
 * straight into one {@code byte[]} and an argument is written from its array without a copy (see
 * {@link #send}), so a {@code DUMP} payload is held once. Jedis failures become {@link MigrationException}s naming the
 * side ({@code source} or {@code target}) and the server, never a password.
 */
public final class Link implements AutoCloseable {
  /** The commands this package sends. */
  public enum Cmd implements ProtocolCommand {
    DUMP, RESTORE, PTTL, TYPE, SCAN, SELECT, INFO, DEL, EXISTS, MEMORY, FLUSHDB, GETRANGE, STRLEN, LRANGE, LLEN,
    SSCAN, HSCAN, ZRANGE, XRANGE, XINFO, GET, PING, TIME, SETRANGE, PEXPIREAT;

    private final byte[] raw = name().getBytes(StandardCharsets.US_ASCII);

    @Override
    public byte[] getRaw() {
      return raw;
    }
  }

  private final String step;
  private final String side;
  private final RedisConnection server;
  private final Connection connection;
  private int db;
  private boolean pendingSelect;

  private Link(String step, String side, RedisConnection server, Connection connection) {
    this.step = step;
    this.side = side;
    this.server = server;
    this.connection = connection;
  }

  /**
   * Connects and authenticates. With TLS, {@code pin} checks the certificate.
   *
   * @throws MigrationException when the server cannot be reached, refuses the password or shows another certificate
   */
  public static Link open(String step, String side, RedisConnection server, CertificatePin pin, Duration timeout) {
    try {
      return new Link(step, side, server, connect(server, server.user(), pin, timeout));
    } catch (JedisException e) {
      if (!server.user().isEmpty() && String.valueOf(e.getMessage()).contains("WRONGPASS")) {
        // a URL's user name that the server has no ACL user for (Heroku's old "h", a provider's
        // "aptible" on a requirepass-only server): authenticate as pre-ACL clients do, password only
        try {
          return new Link(step, side, server, connect(server, "", pin, timeout));
        } catch (JedisException ignored) {
          // report the first failure
        }
      }
      throw new MigrationException(step, step + ": cannot connect to the " + side + " Redis (" + where(server) + ": "
          + reason(e) + ")" + advice(e), !(e instanceof JedisDataException), e);
    }
  }

  private static Connection connect(RedisConnection server, String user, CertificatePin pin, Duration timeout) {
    DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder().resp2()
        .connectionTimeoutMillis((int) timeout.toMillis()).socketTimeoutMillis((int) timeout.toMillis())
        .clientSetInfoConfig(ClientSetInfoConfig.DISABLED).clientName("cutover");
    if (!user.isEmpty()) {
      config.user(user);
    }
    if (!server.password().reveal().isEmpty()) {
      config.password(server.password().reveal());
    }
    if (server.tls()) {
      config.ssl(true).sslSocketFactory(pin.socketFactory());
    }
    return new Connection(new HostAndPort(server.host(), server.port()), config.build());
  }

  private static String advice(JedisException e) {
    String reason = reason(e);
    if (reason.contains("pinned")) {
      return ". The server shows another certificate than the one pinned before: check that this is the same"
          + " server (a man in the middle, or a re-provisioned add-on), then start over with a fresh copy";
    }
    if (reason.contains("WRONGPASS") || reason.contains("NOAUTH") || reason.contains("invalid password")) {
      return ". Check the URL's password (the add-on's credentials may have been rotated)";
    }
    return ". Check that the server is up and reachable, then resume";
  }

  /**
   * Queues a command; it is sent when the buffer fills or a reply is read. The arguments are handed
   * to Jedis as they are: its {@code sendCommand(cmd, byte[]...)} copies each array first, which
   * would hold a big {@code DUMP} payload twice.
   */
  public void send(Cmd command, byte[]... args) {
    CommandArguments arguments = new CommandArguments(command);
    for (byte[] arg : args) {
      arguments.add((Rawable) () -> arg);
    }
    try {
      connection.sendCommand(arguments);
    } catch (JedisException e) {
      throw failure(e);
    }
  }

  /**
   * Reads the next reply: {@code byte[]}, {@code Long}, {@code List}, {@code null}, or the server's
   * error as a {@link JedisDataException} (returned, not thrown: one bad key must not desynchronise
   * the pipeline).
   */
  public Object read() {
    try {
      return connection.getOne();
    } catch (JedisDataException e) {
      return e;
    } catch (JedisException e) {
      throw failure(e);
    }
  }

  /** Sends one command and reads its reply, throwing the server's error. */
  public Object call(Cmd command, byte[]... args) {
    send(command, args);
    Object reply = read();
    if (reply instanceof JedisDataException e) {
      throw new MigrationException(step, step + ": the " + side + " Redis refused " + command + " (" + where(server)
          + ": " + e.getMessage() + ")", false, e);
    }
    return reply;
  }

  /** {@code SELECT db} unless this link is on {@code db} already (queued, like any command). */
  public void select(int database) {
    if (database != db) {
      send(Cmd.SELECT, bytes(database));
      pendingSelect = true;
      db = database;
    }
  }

  /** Reads the reply of a {@link #select} queued before the batch's commands, if one was. */
  public void readSelect() {
    if (pendingSelect) {
      pendingSelect = false;
      Object reply = read();
      if (reply instanceof JedisDataException e) {
        throw new MigrationException(step, step + ": the " + side + " Redis has no logical database " + db + " ("
            + where(server) + ": " + e.getMessage() + "). Give the target at least as many databases as the source"
            + " uses", false, e);
      }
    }
  }

  /** The failure for a lost or broken connection: retryable. */
  public MigrationException failure(JedisException e) {
    return new MigrationException(step, step + ": lost the connection to the " + side + " Redis (" + where(server) + ": "
        + reason(e) + "). Resume: the copy continues from its last checkpoint", true, e);
  }

  /** Which side this link talks to: {@code source} or {@code target}. */
  public String side() {
    return side;
  }

  /** The server, for messages. */
  public RedisConnection server() {
    return server;
  }

  /** {@code host:port}, never the password. */
  public static String where(RedisConnection server) {
    return server.host() + ":" + server.port();
  }

  private static String reason(Throwable e) {
    Throwable t = e;
    StringBuilder sb = new StringBuilder();
    while (t != null && sb.length() < 300) {
      if (t.getMessage() != null && !sb.toString().contains(t.getMessage())) {
        sb.append(sb.length() == 0 ? "" : ": ").append(t.getMessage());
      }
      t = t.getCause();
    }
    return sb.length() == 0 ? e.getClass().getSimpleName() : sb.toString();
  }

  /** The decimal ASCII form RESP uses for numbers. */
  public static byte[] bytes(long n) {
    return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
  }

  /** An ASCII argument. */
  public static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() {
    try {
      connection.close();
    } catch (RuntimeException e) {
      // closing a broken socket: nothing left to release
    }
  }

  @Override
  public String toString() {
    return "Link[" + side + " " + where(server) + ", db " + db + "]";
  }
}
