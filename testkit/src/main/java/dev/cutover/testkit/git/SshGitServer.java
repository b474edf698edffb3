package dev.cutover.testkit.git;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.git.GitLocationResolver;
import org.apache.sshd.git.pack.GitPackCommandFactory;
import org.apache.sshd.git.pack.GitPackConfiguration;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.session.ServerSession;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.transport.ReceiveCommand;
import org.eclipse.jgit.transport.ReceivePack;

/**
 * A real SSH git server for tests: Apache MINA sshd serving JGit repositories under a root
 * directory, public-key authentication only, on 127.0.0.1 and a free port.
 *
 * <pre>{@code
 * try (SshGitServer server = SshGitServer.start(tempDir.resolve("repos"), tempDir.resolve("keys"))) {
 *   server.createBareRepository("my-env/my-app.git");
 *   String url = server.url("my-env/my-app.git");  // ssh://git@127.0.0.1:PORT/my-env/my-app.git
 *   // push with server.clientKey() and server.knownHosts()
 * }
 * }</pre>
 *
 * <p>It generates an EC host key and one authorized client key pair (private key in OpenSSH format
 * at {@link #clientKey()}, a {@code known_hosts} file naming the host key at {@link #knownHosts()}).
 * Like {@code git-receive-pack}, it runs a repository's executable {@code hooks/pre-receive} (stdin
 * {@code old new ref} lines, output sent to the client as {@code remote:} lines, non-zero exit
 * rejects the push); JGit's own receive-pack would not. {@link #close()} stops the server.
 */
public final class SshGitServer implements AutoCloseable {
  private final Path root;
  private final SshServer sshd;
  private final Path clientKey;
  private final Path knownHosts;
  private final List<PublicKey> authorized = new CopyOnWriteArrayList<>();

  private SshGitServer(Path root, Path keyDir) throws IOException, GeneralSecurityException {
    this.root = Files.createDirectories(root).toRealPath();
    Files.createDirectories(keyDir);
    KeyPair host = ecKeyPair();
    KeyPair client = ecKeyPair();
    authorized.add(client.getPublic());
    this.clientKey = keyDir.resolve("id_ecdsa");
    try (OutputStream out = Files.newOutputStream(clientKey)) {
      OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(client, "cutover-test", null, out);
    }
    Files.setPosixFilePermissions(clientKey, PosixFilePermissions.fromString("rw-------"));
    sshd = SshServer.setUpDefaultServer();
    sshd.setHost("127.0.0.1");
    sshd.setPort(0);
    sshd.setKeyPairProvider(KeyPairProvider.wrap(host));
    sshd.setPublickeyAuthenticator((user, key, session) -> authorized.stream().anyMatch(k -> KeyUtils.compareKeys(k, key)));
    sshd.setPasswordAuthenticator(null);
    sshd.setKeyboardInteractiveAuthenticator(null);
    GitLocationResolver resolver = (command, args, session, fs) -> this.root;
    sshd.setCommandFactory(new GitPackCommandFactory(resolver).withGitPackConfiguration(new GitPackConfiguration() {
      @Override
      public void configureReceivePack(ServerSession session, ReceivePack receivePack) {
        receivePack.setPreReceiveHook(SshGitServer::runPreReceiveHook);
      }
    }));
    sshd.start();
    this.knownHosts = keyDir.resolve("known_hosts");
    Files.writeString(knownHosts, "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(host.getPublic()) + "\n");
  }

  /**
   * Starts a server for the repositories under {@code root}, writing its client key and
   * {@code known_hosts} into {@code keyDir}.
   *
   * @throws UncheckedIOException when it cannot start
   */
  public static SshGitServer start(Path root, Path keyDir) {
    try {
      return new SshGitServer(root, keyDir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate SSH keys", e);
    }
  }

  private static KeyPair ecKeyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    return generator.generateKeyPair();
  }

  private static void runPreReceiveHook(ReceivePack rp, Collection<ReceiveCommand> commands) {
    Path gitDir = rp.getRepository().getDirectory().toPath();
    Path hook = gitDir.resolve("hooks").resolve("pre-receive");
    if (!Files.isExecutable(hook) || commands.isEmpty()) {
      return;
    }
    StringBuilder stdin = new StringBuilder();
    for (ReceiveCommand c : commands) {
      stdin.append(c.getOldId().name()).append(' ').append(c.getNewId().name()).append(' ')
          .append(c.getRefName()).append('\n');
    }
    int exit;
    try {
      ProcessBuilder pb = new ProcessBuilder(hook.toString()).directory(gitDir.toFile()).redirectErrorStream(true);
      pb.environment().put("GIT_DIR", ".");
      Process p = pb.start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(stdin.toString().getBytes(StandardCharsets.UTF_8));
      } catch (IOException hookExitedFirst) {
        // As git-receive-pack does: a hook need not read its stdin, and one that exits first closes the pipe.
      }
      try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          rp.sendMessage(line);
        }
      }
      exit = p.waitFor(10, TimeUnit.MINUTES) ? p.exitValue() : -1;
    } catch (IOException e) {
      rp.sendError("pre-receive hook failed to run: " + e.getMessage());
      exit = -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      exit = -1;
    }
    if (exit != 0) {
      for (ReceiveCommand c : commands) {
        c.setResult(ReceiveCommand.Result.REJECTED_OTHER_REASON, "pre-receive hook declined");
      }
    }
  }

  /** The port the server listens on (127.0.0.1). */
  public int port() {
    return ((InetSocketAddress) sshd.getBoundAddresses().iterator().next()).getPort();
  }

  /** {@code ssh://git@127.0.0.1:PORT/<path>}. */
  public String url(String path) {
    return "ssh://git@127.0.0.1:" + port() + "/" + path;
  }

  /** A remote template with two {@code %s} (environment, app): {@code ssh://git@127.0.0.1:PORT/%s/%s.git}. */
  public String remoteTemplate() {
    return url("%s/%s.git");
  }

  /** The root the repository paths are resolved against. */
  public Path root() {
    return root;
  }

  /** The authorized client private key (OpenSSH format, unencrypted, mode 0600). */
  public Path clientKey() {
    return clientKey;
  }

  /** A {@code known_hosts} file that trusts this server's host key. */
  public Path knownHosts() {
    return knownHosts;
  }

  /** Creates a bare repository at {@code path} under the root (default branch {@code master}). */
  public Path createBareRepository(String path) {
    Path dir = root.resolve(path);
    try {
      Git.init().setBare(true).setInitialBranch("master").setDirectory(dir.toFile()).call().close();
      return dir;
    } catch (GitAPIException e) {
      throw new IllegalStateException("cannot create " + dir, e);
    }
  }

  /** Authorizes another public key (e.g. to test that other keys are refused, authorize none). */
  public void authorize(PublicKey key) {
    authorized.add(Objects.requireNonNull(key, "key"));
  }

  /** The currently authorized keys. */
  public List<PublicKey> authorizedKeys() {
    return new ArrayList<>(authorized);
  }

  /** Stops the server. Idempotent. */
  @Override
  public void close() {
    try {
      sshd.stop(true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return "SshGitServer[127.0.0.1:" + (sshd.isStarted() ? port() : "stopped") + ", " + root + "]";
  }
}
