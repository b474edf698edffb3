package dev.cutover.aptible;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cutover.aptible.RepoFinding.Rule;
import dev.cutover.core.model.Deploy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AptibleRepoPreparationTest {
  @TempDir Path repo;

  @Test
  void apply_gitignoreHidesDotfilesAndTheUserHasStagedWork_commitHoldsExactlyThePreparedFiles() throws Exception {
    Files.writeString(repo.resolve("package.json"), "{\"engines\":{\"node\":\"22.x\"},\"dependencies\":{\"pg\":\"8\"},"
        + "\"scripts\":{\"start\":\"node server.js\"}}\n");
    Files.writeString(repo.resolve("package-lock.json"), "{}\n");
    Files.writeString(repo.resolve("Procfile"), "web: npm start\nrelease: npm run migrate\n");
    Files.writeString(repo.resolve("README"), "v1\n");
    Files.writeString(repo.resolve(".gitignore"), ".*\n!.gitignore\n");
    RevCommit before;
    try (Git git = Git.init().setDirectory(repo.toFile()).setInitialBranch("main").call()) {
      git.add().addFilepattern(".").call();
      before = git.commit().setMessage("app").setAuthor("u", "u@localhost").setCommitter("u", "u@localhost")
          .setSign(false).call();
      Files.writeString(repo.resolve("README"), "v2, staged by the user\n");
      git.add().addFilepattern("README").call();
    }
    Deploy.Git deploy = Deploy.git(repo, "main");
    var inventory = RepoPreparerTest.inventory(List.of("heroku/nodejs"), Map.of());

    RepoPlan plan = new AptibleRepoPreparation().plan(deploy, inventory, OptionalInt.of(4000)).orElseThrow();
    new AptibleRepoPreparation().apply(deploy, inventory, OptionalInt.of(4000));

    assertThat(plan.port()).isEqualTo(4000);
    assertThat(plan.findings()).filteredOn(f -> f.rule() == Rule.COMMIT).extracting(RepoFinding::file)
        .containsExactly(".aptible.yml");
    try (Git git = Git.open(repo.toFile()); Repository r = git.getRepository(); RevWalk walk = new RevWalk(r)) {
      RevCommit head = walk.parseCommit(r.resolve("HEAD"));
      assertThat(head.getParent(0)).isEqualTo(before);
      for (String path : List.of("Dockerfile", ".aptible.yml", "Procfile")) {
        try (TreeWalk tw = TreeWalk.forPath(r, path, head.getTree())) {
          assertThat(new String(r.open(tw.getObjectId(0)).getBytes())).isEqualTo(Files.readString(repo.resolve(path)));
        }
      }
      try (TreeWalk readme = TreeWalk.forPath(r, "README", head.getTree())) {
        assertThat(new String(r.open(readme.getObjectId(0)).getBytes())).isEqualTo("v1\n");
      }
      var status = git.status().call();
      assertThat(status.getChanged()).containsExactly("README");
      assertThat(status.getUntracked()).isEmpty();
      assertThat(Files.readString(repo.resolve("Dockerfile"))).contains("EXPOSE 4000", "PORT=4000");
    }
    assertThat(new AptibleRepoPreparation().apply(deploy, inventory, OptionalInt.of(4000))).isEmpty();
  }
}
