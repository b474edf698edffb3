package dev.cutover.aptible.internal;

import dev.cutover.core.GitException;
import dev.cutover.core.MigrationCancelledException;
import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.Redactor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.errors.RepositoryNotFoundException;
import org.eclipse.jgit.lib.ProgressMonitor;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.StoredConfig;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteConfig;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;
import org.eclipse.jgit.util.FS;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code git push aptible BRANCH:master} with JGit: sets the {@code aptible} remote, pushes over SSH
 * (Apache MINA sshd) with the given key, streams progress and the remote's messages, and turns
 * every failure into a {@link GitException}. Not API.
 */
public final class GitPush {
  private static final Logger LOG = LoggerFactory.getLogger(GitPush.class);
  /** The remote's name, as the guide uses it. */
  public static final String REMOTE = "aptible";

  private final Redactor redactor;
  private final Clock clock;
  private final Optional<Path> sshKey;
  private final Optional<Path> knownHosts;
  private final Duration timeout;

  /** A pusher with an optional private key and known_hosts file; {@code timeout} bounds network waits. */
  public GitPush(Redactor redactor, Clock clock, Optional<Path> sshKey, Optional<Path> knownHosts, Duration timeout) {
    this.redactor = redactor;
    this.clock = clock;
    this.sshKey = sshKey;
    this.knownHosts = knownHosts;
    this.timeout = timeout;
  }

  /**
   * Adds or updates the {@code aptible} remote of {@code repo} to {@code remoteUrl} and pushes
   * {@code branch} to its {@code master}. Blocks.
   *
   * @return the pushed commit id
   * @throws GitException when the repository or branch is missing, authentication fails, the host
   *     key is unknown, or the remote rejects the push (with its messages)
   * @throws MigrationCancelledException when interrupted
   */
  public String push(Path repo, String branch, String remoteUrl, String step, MigrationListener listener) {
    Objects.requireNonNull(listener, "listener");
    try (Git git = Git.open(repo.toFile())) {
      Repository repository = git.getRepository();
      Ref ref = repository.exactRef("refs/heads/" + branch);
      if (ref == null || ref.getObjectId() == null) {
        throw new GitException(step, step + ": branch '" + branch + "' does not exist in " + repo
            + ". Commit the prepared files on a branch and name it.", false, null);
      }
      setRemote(repository, remoteUrl);
      RemoteLines remoteLines = new RemoteLines(step, listener);
      SshdSessionFactory ssh = sessionFactory();
      Iterable<PushResult> results;
      try {
        results = git.push().setRemote(REMOTE)
            .setRefSpecs(new RefSpec("refs/heads/" + branch + ":refs/heads/master"))
            .setProgressMonitor(new Progress(step, listener))
            .setOutputStream(remoteLines)
            .setTimeout((int) Math.max(1, timeout.toSeconds()))
            .setTransportConfigCallback(t -> {
              if (t instanceof SshTransport sshTransport) {
                sshTransport.setSshSessionFactory(ssh);
              }
            })
            .call();
      } finally {
        remoteLines.flushLine();
        ssh.close();
      }
      if (Thread.currentThread().isInterrupted()) {
        throw new MigrationCancelledException(step, step + ": cancelled (thread interrupted) during git push", null);
      }
      for (PushResult result : results) {
        for (RemoteRefUpdate update : result.getRemoteUpdates()) {
          RemoteRefUpdate.Status status = update.getStatus();
          if (status != RemoteRefUpdate.Status.OK && status != RemoteRefUpdate.Status.UP_TO_DATE) {
            throw rejected(step, branch, status, update.getMessage(), remoteLines.lines());
          }
          if (status == RemoteRefUpdate.Status.UP_TO_DATE) {
            listener.warning(new MigrationEvent.Warning(step, clock.instant(), "Everything up-to-date: master on "
                + REMOTE + " already is " + branch + "; nothing was deployed by the push"));
          }
        }
      }
      LOG.info("Pushed {} ({}) to {} master", branch, ref.getObjectId().name(), redactor.redact(remoteUrl));
      return ref.getObjectId().name();
    } catch (RepositoryNotFoundException e) {
      throw new GitException(step, step + ": " + repo + " is not a git repository. Run 'git init' and commit"
          + " the app first.", false, e);
    } catch (TransportException e) {
      if (Thread.currentThread().isInterrupted()) {
        throw new MigrationCancelledException(step, step + ": cancelled (thread interrupted) during git push", e);
      }
      throw transport(step, remoteUrl, e);
    } catch (GitAPIException | IOException e) {
      throw new GitException(step, step + ": git push to " + redactor.redact(remoteUrl) + " failed: "
          + redactor.redact(String.valueOf(e.getMessage())), true, e);
    }
  }

  private void setRemote(Repository repository, String remoteUrl) throws IOException {
    StoredConfig config = repository.getConfig();
    try {
      RemoteConfig remote = new RemoteConfig(config, REMOTE);
      URIish uri = new URIish(remoteUrl);
      if (!remote.getURIs().equals(List.of(uri))) {
        new ArrayList<>(remote.getURIs()).forEach(remote::removeURI);
        remote.addURI(uri);
        if (remote.getFetchRefSpecs().isEmpty()) {
          remote.addFetchRefSpec(new RefSpec("+refs/heads/*:refs/remotes/" + REMOTE + "/*"));
        }
        remote.update(config);
        config.save();
        LOG.info("git remote {} set to {}", REMOTE, redactor.redact(remoteUrl));
      }
    } catch (URISyntaxException e) {
      throw new GitException("git", "git: '" + redactor.redact(remoteUrl) + "' is not a git remote URL", false, e);
    }
  }

  private SshdSessionFactory sessionFactory() {
    SshdSessionFactoryBuilder builder = new SshdSessionFactoryBuilder()
        .setHomeDirectory(FS.DETECTED.userHome())
        .setSshDirectory(new java.io.File(FS.DETECTED.userHome(), ".ssh"))
        .setPreferredAuthentications("publickey");
    sshKey.ifPresent(key -> {
      builder.setDefaultIdentities(dir -> List.of(key));
      // The given key only: an ~/.ssh/config IdentityFile must not replace it.
      builder.setConfigStoreFactory((home, configFile, localUser) -> null);
    });
    knownHosts.ifPresent(file -> builder.setDefaultKnownHostsFiles(dir -> List.of(file)));
    return builder.build(null);
  }

  private GitException rejected(String step, String branch, RemoteRefUpdate.Status status, String message,
      List<String> remote) {
    String why = switch (status) {
      case REJECTED_NONFASTFORWARD -> "master on " + REMOTE + " has commits that " + branch + " does not"
          + " (non-fast-forward). Merge or rebase onto it, or push with force after checking what would be lost.";
      case REJECTED_OTHER_REASON -> "the remote refused it (" + message + ").";
      default -> status + (message == null ? "" : " (" + message + ")") + ".";
    };
    String remoteTail = remote.isEmpty() ? "" : " Remote said: " + String.join(" | ",
        remote.subList(Math.max(0, remote.size() - 5), remote.size()));
    return new GitException(step, redactor.redact(step + ": git push " + branch + ":master to " + REMOTE
        + " was rejected: " + why + remoteTail), false, null);
  }

  private GitException transport(String step, String remoteUrl, TransportException e) {
    String text = String.valueOf(e.getMessage());
    String lower = text.toLowerCase(java.util.Locale.ROOT);
    String url = redactor.redact(remoteUrl);
    String message;
    boolean retryable = false;
    if (lower.contains("auth") || lower.contains("publickey") || lower.contains("no more authentication methods")) {
      message = "SSH authentication to " + url + " failed" + sshKey.map(k -> " with key " + k).orElse("")
          + ". Add the public key to your Aptible account (Settings > SSH Keys) or pass the right key.";
    } else if (lower.contains("host key") || lower.contains("known_hosts") || lower.contains("server key")) {
      message = "the SSH host key of " + url + " is not trusted. Add it to known_hosts (ssh-keyscan) and retry.";
    } else if (lower.contains("not found") || lower.contains("does not appear to be a git repository")
        || lower.contains("not accessible")) {
      message = "the remote repository " + url + " was not found or is not accessible (" + redactor.redact(text)
          + "). Check the app exists in this environment and your user may deploy it.";
    } else {
      message = "cannot reach " + url + ": " + redactor.redact(text);
      retryable = true;
    }
    return new GitException(step, step + ": git push failed: " + message, retryable, e);
  }

  /** Forwards JGit progress as {@link MigrationEvent.Progress} (unit = the task, e.g. "Writing objects"). */
  private final class Progress implements ProgressMonitor {
    private final String step;
    private final MigrationListener listener;
    private String task = "git";
    private int total;
    private long done;

    Progress(String step, MigrationListener listener) {
      this.step = step;
      this.listener = listener;
    }

    @Override
    public void start(int totalTasks) {
      // tasks are reported one by one
    }

    @Override
    public void beginTask(String title, int totalWork) {
      task = title;
      total = totalWork;
      done = 0;
      emit();
    }

    @Override
    public void update(int completed) {
      done += completed;
      if (total <= 0 || done == total || done % Math.max(1, total / 20) == 0) {
        emit();
      }
    }

    @Override
    public void endTask() {
      if (total > 0 && done < total) {
        done = total;
        emit();
      }
    }

    @Override
    public boolean isCancelled() {
      return Thread.currentThread().isInterrupted();
    }

    @Override
    public void showDuration(boolean enabled) {
      // durations are the listener's business
    }

    private void emit() {
      listener.progress(new MigrationEvent.Progress(step, clock.instant(), task, done, total <= 0 ? -1 : total));
    }
  }

  /** The remote's side-band messages ({@code remote:} lines), split into lines for the listener. */
  private final class RemoteLines extends OutputStream {
    private final String step;
    private final MigrationListener listener;
    private final ByteArrayOutputStream current = new ByteArrayOutputStream();
    private final List<String> lines = new ArrayList<>();

    RemoteLines(String step, MigrationListener listener) {
      this.step = step;
      this.listener = listener;
    }

    @Override
    public synchronized void write(int b) {
      if (b == '\n' || b == '\r') {
        flushLine();
      } else {
        current.write(b);
      }
    }

    synchronized void flushLine() {
      if (current.size() > 0) {
        String line = redactor.redact(current.toString(StandardCharsets.UTF_8));
        current.reset();
        lines.add(line);
        LOG.debug("remote: {}", line);
        listener.output(new MigrationEvent.Output(step, clock.instant(), "git", "remote: " + line));
      }
    }

    synchronized List<String> lines() {
      return List.copyOf(lines);
    }
  }

  /** Whether {@code dir} is the work tree of a git repository. */
  public static boolean isRepository(Path dir) {
    return Files.isDirectory(dir.resolve(".git"));
  }
}
