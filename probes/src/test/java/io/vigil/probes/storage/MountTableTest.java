package io.vigil.probes.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class MountTableTest {

  /** Lines as the kernel printed them on the lab machine (gluster, encfs) and man 5 proc's example. */
  static final String FIXTURE = String.join("\n",
      "27 1 0:30 / / rw,relatime - overlay overlay rw,lowerdir=/l,upperdir=/u,workdir=/w",
      "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue",
      "44 27 0:41 / /tmp/vigil-lab/gluster/mnt rw,relatime - fuse.glusterfs vm:labvol "
          + "rw,user_id=0,group_id=0,default_permissions,allow_other,max_read=131072",
      "45 27 0:42 / /tmp/enc\\040data/mnt rw,nosuid,nodev,relatime shared:7 master:3 - fuse.encfs encfs "
          + "rw,user_id=0,group_id=0,default_permissions",
      "46 27 0:43 / /srv/ro ro,relatime - tmpfs it\\011tmp\\134x rw",
      "47 27 0:44 / /srv/ro rw,relatime - tmpfs second rw",
      "");

  @Test
  void parsesEveryField_ofAGlusterLine() {
    MountTable.Entry gluster = find("/tmp/vigil-lab/gluster/mnt");

    assertThat(gluster.fsType()).isEqualTo("fuse.glusterfs");
    assertThat(gluster.source()).isEqualTo("vm:labvol");
    assertThat(gluster.root()).isEqualTo("/");
    assertThat(gluster.majorMinor()).isEqualTo("0:41");
    assertThat(gluster.parentId()).isEqualTo(27);
    assertThat(gluster.optionalFields()).isEmpty();
    assertThat(gluster.superOptions()).startsWith("rw,user_id=0");
    assertThat(gluster.readOnly()).isFalse();
  }

  @Test
  void decodesOctalEscapes_andSkipsOptionalFields() {
    MountTable.Entry encfs = find("/tmp/enc data/mnt");

    assertThat(encfs.fsType()).isEqualTo("fuse.encfs");
    assertThat(encfs.source()).isEqualTo("encfs");
    assertThat(encfs.optionalFields()).containsExactly("shared:7", "master:3");
    assertThat(MountTable.unescape("it\\011tmp\\134x")).isEqualTo("it\ttmp\\x");
    assertThat(MountTable.unescape("a\\04")).isEqualTo("a\\04");
  }

  @Test
  void aUtf8MountPoint_survivesTheByteLevelParse() {
    byte[] line = "50 27 0:45 / /srv/donn\u00e9es rw - tmpfs t rw\n".getBytes(StandardCharsets.UTF_8);

    assertThat(MountTable.find(MountTable.parse(line), "/srv/donn\u00e9es")).isPresent();
  }

  @Test
  void stackedMounts_theLastOneWins() {
    MountTable.Entry top = find("/srv/ro");

    assertThat(top.source()).isEqualTo("second");
    assertThat(MountTable.parseLine("46 27 0:43 / /srv/ro ro,relatime - tmpfs x rw", 1).readOnly()).isTrue();
  }

  @Test
  void anAbsentMountPoint_isEmpty_andAPrefixIsNotAMatch() {
    List<MountTable.Entry> all = MountTable.parse(FIXTURE.getBytes(StandardCharsets.UTF_8));

    assertThat(all).hasSize(6);
    assertThat(MountTable.find(all, "/tmp/vigil-lab/gluster")).isEmpty();
  }

  @Test
  void refusesALineWithoutTheSeparator_namingIt() {
    byte[] bad = "1 2 3 4 5 6 7 8 9 10\n".getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> MountTable.parse(bad))
        .hasMessage("mountinfo line 1 has not the fields of proc(5): '1 2 3 4 5 6 7 8 9 10'");
    assertThatThrownBy(() -> MountTable.parseLine("x 27 0:1 / /m rw - t s rw", 3))
        .hasMessageContaining("mountinfo line 3: mount ids 'x 27' are not numbers");
  }

  private static MountTable.Entry find(String mountPoint) {
    return MountTable.find(MountTable.parse(FIXTURE.getBytes(StandardCharsets.UTF_8)), mountPoint).orElseThrow();
  }
}
