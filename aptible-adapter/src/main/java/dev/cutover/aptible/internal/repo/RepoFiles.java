package dev.cutover.aptible.internal.repo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Read access to the repository being prepared: files by path relative to the root (read once,
 * then cached), JSON and YAML documents, and the source files the environment scan reads. Never
 * writes. A file that cannot be decoded as UTF-8 reads as absent. Not thread-safe; not API.
 */
final class RepoFiles {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> SKIPPED_DIRS = Set.of(".git", "node_modules", "vendor", ".venv", "venv", "target",
      "build", "dist", "tmp", "log", "public", "static", "staticfiles", ".yarn", "coverage", ".bundle");
  private static final long MAX_SOURCE_BYTES = 512 * 1024;

  private final Path root;
  private final Map<String, Optional<String>> cache = new HashMap<>();

  RepoFiles(Path root) {
    this.root = root;
  }

  Path root() {
    return root;
  }

  boolean exists(String path) {
    return Files.exists(root.resolve(path));
  }

  /** The file's text, or empty when it does not exist or is not text. */
  Optional<String> read(String path) {
    return cache.computeIfAbsent(path, p -> {
      Path file = root.resolve(p);
      if (!Files.isRegularFile(file)) {
        return Optional.empty();
      }
      try {
        return Optional.of(new String(Files.readAllBytes(file), StandardCharsets.UTF_8).replace("\r\n", "\n"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }

  String text(String path) {
    return read(path).orElse("");
  }

  /** The file parsed as JSON; {@link MissingNode} when absent; throws {@link IllegalArgumentException} when invalid. */
  JsonNode json(String path) {
    return parse(path, JSON);
  }

  /** The file parsed as YAML; {@link MissingNode} when absent; throws {@link IllegalArgumentException} when invalid. */
  JsonNode yaml(String path) {
    return parse(path, YAML);
  }

  private JsonNode parse(String path, ObjectMapper mapper) {
    Optional<String> text = read(path);
    if (text.isEmpty() || text.get().isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      JsonNode node = mapper.readTree(text.get());
      return node == null ? MissingNode.getInstance() : node;
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Source files worth scanning for environment variables (by extension), relative paths, sorted;
   * dependency, build output and VCS directories are skipped, and so are files over 512 KiB.
   */
  List<String> sources(Set<String> extensions) {
    List<String> found = new ArrayList<>();
    try {
      Files.walkFileTree(root, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          return !dir.equals(root) && SKIPPED_DIRS.contains(dir.getFileName().toString()) ? FileVisitResult.SKIP_SUBTREE
              : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
          String name = file.getFileName().toString();
          int dot = name.lastIndexOf('.');
          String ext = dot < 0 ? name : name.substring(dot + 1);
          String rel = root.relativize(file).toString().replace('\\', '/');
          boolean script = rel.matches("(bin|script|scripts)/[^/.]+");
          if (attrs.isRegularFile() && attrs.size() <= MAX_SOURCE_BYTES && (extensions.contains(ext) || script)) {
            found.add(root.relativize(file).toString().replace('\\', '/'));
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    found.sort(null);
    return found;
  }
}
