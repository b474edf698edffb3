package dev.cutover.aptible.internal.repo;

import dev.cutover.core.GitException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.eclipse.jgit.dircache.DirCache;
import org.eclipse.jgit.dircache.DirCacheBuilder;
import org.eclipse.jgit.dircache.DirCacheEditor;
import org.eclipse.jgit.dircache.DirCacheEntry;
import org.eclipse.jgit.ignore.IgnoreNode;
import org.eclipse.jgit.lib.CommitBuilder;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectInserter;
import org.eclipse.jgit.lib.ObjectReader;
import org.eclipse.jgit.lib.PersonIdent;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.treewalk.TreeWalk;

/**
 * Commits files on the checked-out branch whatever {@code .gitignore} says ({@code git add -f}), and
 * only those files: the commit's tree is HEAD's with these paths replaced, so anything else the user
 * has staged stays staged and out of the commit. Then reads the commit back and fails unless it
 * holds every file as it is on disk. Not API.
 */
public final class GitCommit {
  private static final String STEP = "prepare-repo";

  private GitCommit() {}

  /**
   * The paths of {@code paths} that the repository's root {@code .gitignore} (or {@code
   * .git/info/exclude}) ignores, so that a plain {@code git add} would leave them out.
   *
   * @param repo the work tree
   * @param paths paths relative to it
   * @return the ignored ones, in order
   * @throws GitException when the ignore rules cannot be read
   */
  public static List<String> ignored(Path repo, List<String> paths) {
    List<String> out = new ArrayList<>();
    try {
      StringBuilder text = new StringBuilder();
      for (Path f : List.of(repo.resolve(".git/info/exclude"), repo.resolve(".gitignore"))) {
        if (Files.isRegularFile(f)) {
          text.append(Files.readString(f)).append('\n');
        }
      }
      IgnoreNode rules = new IgnoreNode();
      rules.parse(new java.io.ByteArrayInputStream(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      for (String p : paths) {
        boolean ignored = false;
        String prefix = "";
        for (String part : p.split("/")) {
          prefix = prefix.isEmpty() ? part : prefix + "/" + part;
          Boolean r = rules.checkIgnored(prefix, !prefix.equals(p));
          if (r != null) {
            ignored = r;
          }
        }
        if (ignored) {
          out.add(p);
        }
      }
    } catch (IOException e) {
      throw new GitException(STEP, STEP + ": cannot read the ignore rules of " + repo + " (" + e.getMessage() + ")",
          false, e);
    }
    return out;
  }

  /**
   * Commits {@code paths} (files that exist, relative to the work tree) on HEAD's branch with
   * {@code message}, ignore rules notwithstanding, and checks the commit holds them.
   *
   * @param workTree the work tree
   * @param paths the files, relative to it
   * @param who author and committer
   * @param message the commit message
   * @return the new commit, or empty when HEAD already holds every file as it is
   * @throws GitException when the repository cannot be written or the commit does not hold a file
   */
  public static java.util.Optional<ObjectId> commit(Path workTree, List<String> paths, PersonIdent who, String message) {
    try (Repository repo = new FileRepositoryBuilder().setWorkTree(workTree.toFile()).setMustExist(true).build();
        ObjectInserter ins = repo.newObjectInserter();
        ObjectReader reader = repo.newObjectReader();
        RevWalk walk = new RevWalk(reader)) {
      ObjectId headId = repo.resolve(Constants.HEAD + "^{commit}");
      RevCommit head = headId == null ? null : walk.parseCommit(headId);
      DirCache tree = DirCache.newInCore();
      DirCacheBuilder builder = tree.builder();
      if (head != null) {
        builder.addTree(new byte[0], DirCacheEntry.STAGE_0, reader, head.getTree());
      }
      builder.finish();
      List<DirCacheEntry> entries = entries(workTree, paths, ins);
      edit(tree, entries);
      ObjectId treeId = tree.writeTree(ins);
      if (head != null && treeId.equals(head.getTree())) {
        stage(repo, entries);
        return java.util.Optional.empty();
      }
      CommitBuilder cb = new CommitBuilder();
      cb.setTreeId(treeId);
      if (head != null) {
        cb.setParentId(head);
      }
      cb.setAuthor(who);
      cb.setCommitter(who);
      cb.setMessage(message);
      ObjectId commitId = ins.insert(cb);
      ins.flush();
      RefUpdate update = repo.updateRef(Constants.HEAD);
      update.setNewObjectId(commitId);
      update.setExpectedOldObjectId(head == null ? ObjectId.zeroId() : head);
      update.setRefLogMessage("commit: " + message.lines().findFirst().orElse(""), false);
      RefUpdate.Result result = update.update(walk);
      if (result != RefUpdate.Result.NEW && result != RefUpdate.Result.FAST_FORWARD && result != RefUpdate.Result.FORCED) {
        throw new GitException(STEP, STEP + ": cannot move " + repo.getFullBranch() + " to the new commit (" + result
            + "); commit " + paths + " by hand, then resume", false, null);
      }
      stage(repo, entries);
      verify(repo, reader, commitId, entries);
      return java.util.Optional.of(commitId);
    } catch (IOException e) {
      throw new GitException(STEP, STEP + ": cannot commit " + paths + " in " + workTree + " (" + e.getMessage()
          + "); commit them by hand, then resume", false, e);
    }
  }

  private static List<DirCacheEntry> entries(Path workTree, List<String> paths, ObjectInserter ins) throws IOException {
    List<DirCacheEntry> entries = new ArrayList<>();
    for (String p : paths) {
      Path file = workTree.resolve(p);
      if (!Files.isRegularFile(file)) {
        continue;
      }
      byte[] data = Files.readAllBytes(file);
      DirCacheEntry e = new DirCacheEntry(p);
      e.setFileMode(Files.isExecutable(file) ? FileMode.EXECUTABLE_FILE : FileMode.REGULAR_FILE);
      e.setObjectId(ins.insert(Constants.OBJ_BLOB, data));
      e.setLength(data.length);
      e.setLastModified(Files.getLastModifiedTime(file).toInstant());
      entries.add(e);
    }
    ins.flush();
    return entries;
  }

  private static void edit(DirCache cache, List<DirCacheEntry> entries) {
    DirCacheEditor editor = cache.editor();
    for (DirCacheEntry e : entries) {
      editor.add(new DirCacheEditor.PathEdit(e.getPathString()) {
        @Override
        public void apply(DirCacheEntry ent) {
          ent.copyMetaData(e);
        }
      });
    }
    editor.finish();
  }

  /** The index gets the committed content of these paths, so that git status shows them clean. */
  private static void stage(Repository repo, List<DirCacheEntry> entries) throws IOException {
    DirCache index = repo.lockDirCache();
    try {
      edit(index, entries);
      index.write();
      if (!index.commit()) {
        throw new IOException("cannot write the index");
      }
    } finally {
      index.unlock();
    }
  }

  private static void verify(Repository repo, ObjectReader reader, ObjectId commitId, List<DirCacheEntry> entries)
      throws IOException {
    RevCommit commit = new RevWalk(reader).parseCommit(commitId);
    for (DirCacheEntry e : entries) {
      try (TreeWalk tw = TreeWalk.forPath(reader, e.getPathString(), commit.getTree())) {
        if (tw == null || !Objects.equals(tw.getObjectId(0), e.getObjectId())) {
          throw new GitException(STEP, STEP + ": the commit " + commitId.abbreviate(8).name() + " on "
              + repo.getFullBranch() + " does not hold " + e.getPathString() + " as written; commit it by hand"
              + " (git add -f " + e.getPathString() + "), then resume", false, null);
        }
      }
    }
  }
}
