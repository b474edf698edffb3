package dev.cutover.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFilesTest {
  @TempDir Path dir;

  @Test
  void createFile_new_ownerOnlyAndRefusesAnExistingOne() throws Exception {
    Path file = PrivateFiles.createFile(dir.resolve("dump.pgdump"));

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    assertThatThrownBy(() -> PrivateFiles.createFile(file)).isInstanceOf(FileAlreadyExistsException.class);
  }

  @Test
  void createDirectory_newOrExisting_ownerOnly() throws Exception {
    Path fresh = PrivateFiles.createDirectory(dir.resolve("a/b/dumps"));
    Path open = Files.createDirectory(dir.resolve("open"), PosixFilePermissions.asFileAttribute(
        PosixFilePermissions.fromString("rwxr-xr-x")));

    PrivateFiles.createDirectory(open);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh))).isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(open))).isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
        PrivateFiles.createTempDirectory(dir, "home-")))).isEqualTo("rwx------");
  }
}
