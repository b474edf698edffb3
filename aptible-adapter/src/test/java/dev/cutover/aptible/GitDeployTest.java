package dev.cutover.aptible;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.core.GitException;
import dev.cutover.core.MigrationEvent;
import dev.cutover.core.MigrationListener;
import dev.cutover.core.model.Deploy;
import dev.cutover.testkit.aptible.FakeAptible;
import dev.cutover.testkit.git.SshGitServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Git deploys with JGit: over a real SSH server (Apache MINA sshd) and over file://. */
@Tag("integration")
class GitDeployTest {
  @TempDir static Path shared;
  private static SshGitServer server;

  @BeforeAll
  static void startServer() {
    server = SshGitServer.start(shared.resolve("repos"), shared.resolve("keys"));
  }

  @AfterAll
  static void stopServer() {
    server.close();
  }

  /** Records what the deploy reports. */
  static final class Recorder implements MigrationListener {
    final List<MigrationEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void progress(MigrationEvent.Progress event) {
      events.add(event);
    }

    @Override
    public void output(MigrationEvent.Output event) {
      events.add(event);
    }

    List<String> remoteLines() {
      return events.stream().filter(MigrationEvent.Output.class::isInstance).map(e -> ((MigrationEvent.Output) e).line())
          .toList();
    }
  }

  static ObjectId commitApp(Path repo, String branch, Map<String, String> files) throws Exception {
    Files.createDirectories(repo);
    try (Git git = Files.isDirectory(repo.resolve(".git")) ? Git.open(repo.toFile())
        : Git.init().setInitialBranch(branch).setDirectory(repo.toFile()).call()) {
      for (Map.Entry<String, String> f : files.entrySet()) {
        Files.writeString(repo.resolve(f.getKey()), f.getValue());
      }
      git.add().addFilepattern(".").call();
      PersonIdent me = new PersonIdent("Cutover Test", "test@cutover.dev");
      return git.commit().setMessage("app " + files.keySet()).setAuthor(me).setCommitter(me).setSign(false).call()
          .getId();
    }
  }

  static ObjectId master(Path bare) throws IOException {
    try (Repository r = new FileRepositoryBuilder().setGitDir(bare.toFile()).build()) {
      return r.resolve("refs/heads/master");
    }
  }

  private static AptibleClient sshClient(String env, Path key) {
    return AptibleClient.builder().environment(env).gitRemoteTemplate(server.remoteTemplate()).gitSshKey(key)
        .gitKnownHosts(server.knownHosts()).build();
  }

  @Test
  void deploy_gitOverSsh_landsCommitOnMasterWithProgress(@TempDir Path work) throws Exception {
    Path bare = server.createBareRepository("ssh-env/web-app.git");
    ObjectId commit = commitApp(work, "main", Map.of("Dockerfile", "FROM node:lts\n", "app.js", "console.log(1)\n"));
    Recorder recorder = new Recorder();

    sshClient("ssh-env", server.clientKey()).app("web-app").deploy(Deploy.git(work, "main"), recorder);

    assertThat(master(bare)).isEqualTo(commit);
    assertThat(recorder.events).anySatisfy(e -> assertThat(e).isInstanceOf(MigrationEvent.Progress.class));
    try (Git git = Git.open(work.toFile())) {
      assertThat(git.getRepository().getConfig().getString("remote", "aptible", "url"))
          .isEqualTo(server.url("ssh-env/web-app.git"));
    }
  }

  @Test
  void deploy_remoteUrlChanged_updatesRemoteAndPushes(@TempDir Path work) throws Exception {
    Path bare = server.createBareRepository("ssh-env/moved-app.git");
    ObjectId commit = commitApp(work, "main", Map.of("Dockerfile", "FROM scratch\n"));
    try (Git git = Git.open(work.toFile())) {
      git.remoteAdd().setName("aptible").setUri(new org.eclipse.jgit.transport.URIish("git@beta.aptible.com:old/app.git"))
          .call();
    }
    sshClient("ssh-env", server.clientKey()).app("moved-app").deploy(Deploy.git(work, "main"), MigrationListener.NONE);
    assertThat(master(bare)).isEqualTo(commit);
  }

  @Test
  void deploy_fileRemote_landsCommitOnMaster(@TempDir Path work, @TempDir Path remotes) throws Exception {
    Path bare = remotes.resolve("file-env/app.git");
    Git.init().setBare(true).setInitialBranch("master").setDirectory(bare.toFile()).call().close();
    ObjectId commit = commitApp(work, "trunk", Map.of("Dockerfile", "FROM scratch\n"));
    AptibleClient client = AptibleClient.builder().environment("file-env")
        .gitRemoteTemplate(remotes.toUri() + "%s/%s.git").build();

    client.app("app").deploy(Deploy.git(work, "trunk"), MigrationListener.NONE);

    assertThat(master(bare)).isEqualTo(commit);
  }

  @Test
  void deploy_nonFastForward_rejectedWithClearGitException(@TempDir Path work, @TempDir Path other) throws Exception {
    Path bare = server.createBareRepository("ssh-env/diverged.git");
    ObjectId theirs = commitApp(other, "master", Map.of("Dockerfile", "FROM busybox\n"));
    try (Git git = Git.open(other.toFile())) {
      git.push().setRemote(bare.toUri().toString()).add("master").call();
    }
    commitApp(work, "main", Map.of("Dockerfile", "FROM scratch\n"));

    assertThatThrownBy(() -> sshClient("ssh-env", server.clientKey()).app("diverged")
        .deploy(Deploy.git(work, "main"), MigrationListener.NONE))
        .isInstanceOf(GitException.class)
        .hasMessageContaining("was rejected").hasMessageContaining("non-fast-forward");
    assertThat(master(bare)).isEqualTo(theirs);
  }

  @Test
  void deploy_hookDeclines_rejectedWithRemoteMessage(@TempDir Path work) throws Exception {
    Path bare = server.createBareRepository("ssh-env/hooked.git");
    Path hook = bare.resolve("hooks/pre-receive");
    Files.createDirectories(hook.getParent());
    Files.writeString(hook, "#!/bin/sh\necho 'ERROR -- : No Dockerfile found at the root of the repository'\nexit 1\n");
    Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
    commitApp(work, "main", Map.of("README", "no docker here\n"));
    Recorder recorder = new Recorder();

    assertThatThrownBy(() -> sshClient("ssh-env", server.clientKey()).app("hooked")
        .deploy(Deploy.git(work, "main"), recorder))
        .isInstanceOf(GitException.class)
        .hasMessageContaining("the remote refused it").hasMessageContaining("No Dockerfile found");
    assertThat(recorder.remoteLines()).anySatisfy(l -> assertThat(l).contains("No Dockerfile found"));
    assertThat(master(bare)).isNull();
  }

  @Test
  void deploy_unauthorizedKey_authenticationGitException(@TempDir Path work, @TempDir Path otherKeys) throws Exception {
    server.createBareRepository("ssh-env/locked.git");
    commitApp(work, "main", Map.of("Dockerfile", "FROM scratch\n"));
    Path strangerKey;
    try (SshGitServer stranger = SshGitServer.start(otherKeys.resolve("r"), otherKeys.resolve("k"))) {
      strangerKey = stranger.clientKey();
    }

    assertThatThrownBy(() -> sshClient("ssh-env", strangerKey).app("locked")
        .deploy(Deploy.git(work, "main"), MigrationListener.NONE))
        .isInstanceOf(GitException.class)
        .hasMessageContaining("SSH authentication").hasMessageContaining("failed");
  }

  @Test
  void deploy_unknownHostKey_refusedWithClearGitException(@TempDir Path work, @TempDir Path empty) throws Exception {
    server.createBareRepository("ssh-env/untrusted.git");
    commitApp(work, "main", Map.of("Dockerfile", "FROM scratch\n"));
    Path noHosts = Files.writeString(empty.resolve("known_hosts"), "");
    AptibleClient client = AptibleClient.builder().environment("ssh-env").gitRemoteTemplate(server.remoteTemplate())
        .gitSshKey(server.clientKey()).gitKnownHosts(noHosts).build();

    assertThatThrownBy(() -> client.app("untrusted").deploy(Deploy.git(work, "main"), MigrationListener.NONE))
        .isInstanceOf(GitException.class).hasMessageContaining("host key");
  }

  @Test
  void deploy_fakeAptibleRemoteOverSsh_hookDeploysServicesAndBeforeDeploy(@TempDir Path work) throws Exception {
    try (FakeAptible fake = FakeAptible.builder().environment("hook-env").build();
        SshGitServer fakeGit = SshGitServer.start(fake.gitRoot(), work.resolve("keys"))) {
      AptibleClient client = AptibleClient.builder().environment("hook-env").accessToken(fake.token())
          .cliCommand(fake.cliCommand()).cliEnvironment(fake.cliEnvironment())
          .gitRemoteTemplate(fakeGit.remoteTemplate()).gitSshKey(fakeGit.clientKey())
          .gitKnownHosts(fakeGit.knownHosts()).build();
      AptibleApp app = client.app("hook-app");
      app.ensureApp();
      Path repo = work.resolve("repo");
      commitApp(repo, "main", Map.of("Procfile", "web: npm start\n"));
      assertThatThrownBy(() -> app.deploy(Deploy.git(repo, "main"), MigrationListener.NONE))
          .isInstanceOf(GitException.class).hasMessageContaining("No Dockerfile");

      ObjectId commit = commitApp(repo, "main", Map.of("Dockerfile", "FROM node:lts\n",
          "Procfile", "web: npm start\nworker: node worker.js\n",
          ".aptible.yml", "before_deploy:\n  - \"npm run migrate\"\n"));
      Recorder recorder = new Recorder();
      app.deploy(Deploy.git(repo, "main"), recorder);

      assertThat(master(fake.bareRepository("hook-env", "hook-app"))).isEqualTo(commit);
      FakeAptible.App deployed = fake.app("hook-app").orElseThrow();
      assertThat(deployed.status()).isEqualTo("provisioned");
      assertThat(deployed.services()).extracting(FakeAptible.Service::name).containsExactly("web", "worker");
      assertThat(deployed.beforeDeploy()).containsExactly("npm run migrate");
      assertThat(fake.deploys()).singleElement().satisfies(d -> assertThat(d.paramsJson()).contains(commit.name()));
      assertThat(recorder.remoteLines()).anySatisfy(l -> assertThat(l).contains("Deploy succeeded"));
    }
  }
}
