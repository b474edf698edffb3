package dev.cutover.aptible.internal.repo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cutover.aptible.internal.repo.Semver.Version;
import org.junit.jupiter.api.Test;

class VersionsTest {
  private static Version v(String s) {
    return Version.find(s).orElseThrow();
  }

  @Test
  void newest_rangeWithUpperBound_newestMatchingMajorNotTheLowerBound() {
    // the case: a Node wiki whose start script needs Node 6 was given node:5
    assertThat(Runtimes.KNOWN.newest("node", ">=5.0.0 <7.0.0", false)).contains(v("6.17.1"));
  }

  @Test
  void newest_outlineEngines_newestAdmittedReleaseBelowTheCap() {
    assertThat(Runtimes.KNOWN.newest("node", ">=20.12 <21 || 22 || 24 <24.17.0 || 26 <26.3.1", false))
        .contains(v("26.3.0"));
    assertThat(Runtimes.KNOWN.newest("node", ">= 12 <=16", false)).contains(v("16.20.2"));
  }

  @Test
  void newest_openEndedRange_staysOnTheLtsLine() {
    assertThat(Runtimes.KNOWN.newest("node", ">=18", false)).contains(v("24.19.0"));
    assertThat(Runtimes.KNOWN.newest("node", "22.x", false)).contains(v("22.23.2"));
    assertThat(Runtimes.KNOWN.newest("node", "^20.12", false)).contains(v("20.20.2"));
    assertThat(Runtimes.KNOWN.newest("node", "~22.4", false)).contains(v("22.4.1"));
  }

  @Test
  void newest_composerConstraints_tildeIsRubyStyle() {
    assertThat(Runtimes.KNOWN.newest("php", "^8.1", true)).contains(v("8.4.7"));
    assertThat(Runtimes.KNOWN.newest("php", "~8.2", true)).contains(v("8.4.7"));
    assertThat(Runtimes.KNOWN.newest("php", "~8.2.0", true)).contains(v("8.2.28"));
    assertThat(Runtimes.KNOWN.newest("php", ">=8.1,<8.3", true)).contains(v("8.2.28"));
    assertThat(Runtimes.KNOWN.newest("php", "8.1.* || 8.3.*", true)).contains(v("8.3.21"));
  }

  @Test
  void newest_noReleaseAdmitted_empty() {
    assertThat(Runtimes.KNOWN.newest("node", ">=99", false)).isEmpty();
  }

  @Test
  void range_garbage_rejected() {
    assertThatThrownBy(() -> Semver.range("latest and greatest", false)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void patchOf_minorIsNewestPatchExactIsItself() {
    assertThat(Runtimes.KNOWN.patchOf("python", "3.14")).isEqualTo(v("3.14.7"));
    assertThat(Runtimes.KNOWN.patchOf("python", "python-3.12.1")).isEqualTo(v("3.12.1"));
    assertThat(Runtimes.KNOWN.patchOf("go", "1.25")).isEqualTo(v("1.25.12"));
  }
}
