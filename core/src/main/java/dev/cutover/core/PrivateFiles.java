package dev.cutover.core;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Files only their owner can read: dumps, journals, tool homes, tunnel records. Files are created
 * 0600 and directories 0700 in the same call that creates them, so they are never readable by
 * others, not even for a moment; on a file system without POSIX permissions they are created
 * plainly. The one place the SDK creates private files. Stateless; every method blocks on the file system.
 */
public final class PrivateFiles {
  private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> DIRECTORY = PosixFilePermissions.fromString("rwx------");

  private PrivateFiles() {}

  /**
   * Creates {@code file} empty with mode 0600.
   *
   * @throws FileAlreadyExistsException when it exists
   * @throws IOException when it cannot be created
   */
  public static Path createFile(Path file) throws IOException {
    if (!posix(file)) {
      return Files.createFile(file);
    }
    Path created = Files.createFile(file, attribute(FILE));
    Files.setPosixFilePermissions(created, FILE);
    return created;
  }

  /**
   * Creates {@code dir} with mode 0700 (its missing parents with the default mode), or makes an
   * existing directory 0700.
   *
   * @throws IOException when it cannot be created, or exists and is not a directory
   */
  public static Path createDirectory(Path dir) throws IOException {
    Path parent = dir.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    try {
      if (posix(dir)) {
        Files.createDirectory(dir, attribute(DIRECTORY));
      } else {
        Files.createDirectory(dir);
      }
    } catch (FileAlreadyExistsException exists) {
      if (!Files.isDirectory(dir)) {
        throw exists;
      }
    }
    if (posix(dir)) {
      Files.setPosixFilePermissions(dir, DIRECTORY);
    }
    return dir;
  }

  /** A new directory with mode 0700 in {@code base}, named {@code prefix} and a random part. */
  public static Path createTempDirectory(Path base, String prefix) throws IOException {
    return posix(base) ? Files.createTempDirectory(base, prefix, attribute(DIRECTORY))
        : Files.createTempDirectory(base, prefix);
  }

  /** A new directory with mode 0700 in the system's temporary directory. */
  public static Path createTempDirectory(String prefix) throws IOException {
    return createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), prefix);
  }

  private static boolean posix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static FileAttribute<Set<PosixFilePermission>> attribute(Set<PosixFilePermission> permissions) {
    return PosixFilePermissions.asFileAttribute(permissions);
  }
}
