package io.vigil.probes.storage;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The mount table of {@code /proc/self/mountinfo} (proc(5)), read from the kernel's own table:
 * reading it never touches a mounted filesystem, so it cannot hang on a dead FUSE mount.
 *
 * <pre>
 * 44  27  0:41 /   /tmp/vigil-lab/gluster/mnt rw,relatime - fuse.glusterfs vm:labvol rw,user_id=0,...
 * (1) (2) (3)  (4) (5)                        (6)        (7..) (8)          (9)       (10)
 * </pre>
 *
 * Fields: mount id, parent id, major:minor, root, mount point, mount options, zero or more optional
 * fields ended by {@code -}, filesystem type, source, super options. The kernel escapes space, tab,
 * newline and backslash in paths and sources as octal ({@code \040}, {@code \011}, {@code \012},
 * {@code \134}; fs/proc_namespace.c, {@code mangle()}); {@link #parse} undoes that.
 */
final class MountTable {

  /** One line of mountinfo, unescaped. */
  record Entry(int id, int parentId, String majorMinor, String root, String mountPoint, String options,
      List<String> optionalFields, String fsType, String source, String superOptions) {

    /** Mounted read-only ({@code ro} in the per-mount options). */
    boolean readOnly() {
      return Arrays.asList(options.split(",")).contains("ro");
    }
  }

  private MountTable() {
  }

  /**
   * Every entry of a mountinfo text, in the kernel's order.
   *
   * @throws IllegalArgumentException naming the line that is not a mountinfo line
   */
  static List<Entry> parse(byte[] mountinfo) {
    // ISO-8859-1 maps each byte to one char and back: paths are bytes, decoded as UTF-8 per field
    String text = new String(mountinfo, StandardCharsets.ISO_8859_1);
    List<Entry> entries = new ArrayList<>();
    String[] lines = text.split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (!lines[i].isBlank()) {
        entries.add(parseLine(lines[i], i + 1));
      }
    }
    return entries;
  }

  /**
   * The entry mounted at {@code mountPoint}; when several are stacked on the same point, the last
   * one, which hides the others.
   */
  static Optional<Entry> find(List<Entry> entries, String mountPoint) {
    Entry found = null;
    for (Entry e : entries) {
      if (e.mountPoint().equals(mountPoint)) {
        found = e;
      }
    }
    return Optional.ofNullable(found);
  }

  static Entry parseLine(String line, int number) {
    String[] f = line.strip().split(" ");
    int separator = Arrays.asList(f).indexOf("-");
    if (f.length < 10 || separator < 6 || f.length - separator != 4) {
      String shown = decode(line.getBytes(StandardCharsets.ISO_8859_1));
      throw new IllegalArgumentException("mountinfo line " + number + " has not the fields of proc(5): '"
          + (shown.length() > 120 ? shown.substring(0, 120) + "..." : shown) + "'");
    }
    int id;
    int parentId;
    try {
      id = Integer.parseInt(f[0]);
      parentId = Integer.parseInt(f[1]);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("mountinfo line " + number + ": mount ids '" + f[0] + " " + f[1]
          + "' are not numbers");
    }
    List<String> optional = List.of(Arrays.copyOfRange(f, 6, separator));
    return new Entry(id, parentId, f[2], unescape(f[3]), unescape(f[4]), f[5], optional, unescape(f[separator + 1]),
        unescape(f[separator + 2]), f[separator + 3]);
  }

  /**
   * Decodes the kernel's octal escapes and then UTF-8: {@code /mnt/my\040data} is
   * {@code /mnt/my data}. The field holds one char per byte (ISO-8859-1).
   */
  static String unescape(String field) {
    // the escapes stand for bytes: collect bytes, then decode UTF-8, so a name in UTF-8 survives
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    byte[] raw = field.getBytes(StandardCharsets.ISO_8859_1);
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == '\\' && i + 3 < raw.length && isOctal(raw[i + 1]) && isOctal(raw[i + 2]) && isOctal(raw[i + 3])) {
        bytes.write((raw[i + 1] - '0') * 64 + (raw[i + 2] - '0') * 8 + (raw[i + 3] - '0'));
        i += 3;
      } else {
        bytes.write(raw[i]);
      }
    }
    return decode(bytes.toByteArray());
  }

  private static String decode(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static boolean isOctal(byte b) {
    return b >= '0' && b <= '7';
  }
}
