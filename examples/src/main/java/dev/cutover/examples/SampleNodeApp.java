package dev.cutover.examples;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.PersonIdent;

/**
 * The guide's example app: a Node.js + PostgreSQL app as it lives on Heroku, with
 * {@code package.json}, {@code package-lock.json} and a {@code Procfile} with {@code web},
 * {@code worker} and {@code release}, committed on {@code main} of a new git repository.
 */
public final class SampleNodeApp {
  /** The branch the app is committed on. */
  public static final String BRANCH = "main";

  private SampleNodeApp() {}

  /** The files of the app, path to content. */
  public static Map<String, String> files() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("package.json", """
        {
          "name": "legacy-shop",
          "version": "1.0.0",
          "private": true,
          "scripts": {
            "start": "node index.js",
            "migrate": "node migrate.js"
          },
          "dependencies": {
            "pg": "8.11.3"
          }
        }
        """);
    files.put("package-lock.json", """
        {
          "name": "legacy-shop",
          "version": "1.0.0",
          "lockfileVersion": 3,
          "requires": true,
          "packages": {
            "": { "name": "legacy-shop", "version": "1.0.0", "dependencies": { "pg": "8.11.3" } }
          }
        }
        """);
    files.put("Procfile", """
        web: npm start
        worker: node worker.js
        release: npm run migrate
        """);
    files.put("index.js", """
        const http = require('http');
        const { Pool } = require('pg');
        const pool = new Pool({ connectionString: process.env.DATABASE_URL });
        http.createServer(async (req, res) => {
          const { rows } = await pool.query('select count(*) from users');
          res.end(`users: ${rows[0].count}\\n`);
        }).listen(process.env.PORT || 3000);
        """);
    files.put("worker.js", "setInterval(() => console.log('working'), 60000);\n");
    files.put("migrate.js", "console.log('migrations up to date');\n");
    return files;
  }

  /**
   * Writes the app into {@code dir} (created if missing) and commits it on {@link #BRANCH}. Blocks.
   *
   * @return {@code dir}
   * @throws UncheckedIOException when the files or the repository cannot be written
   */
  public static Path create(Path dir) {
    try {
      Files.createDirectories(dir);
      for (Map.Entry<String, String> f : files().entrySet()) {
        Files.writeString(dir.resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8);
      }
      try (Git git = Git.init().setDirectory(dir.toFile()).setInitialBranch(BRANCH).call()) {
        git.add().addFilepattern(".").call();
        PersonIdent who = new PersonIdent("Cutover Demo", "demo@cutover.dev");
        git.commit().setMessage("legacy-shop as it runs on Heroku").setAuthor(who).setCommitter(who).setSign(false).call();
      }
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GitAPIException e) {
      throw new UncheckedIOException(new IOException("cannot commit the sample app: " + e.getMessage(), e));
    }
  }
}
