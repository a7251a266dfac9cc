package io.vigil.nagios.nrpe;

import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The peers an NRPE server talks to, like nrpe.cfg's {@code allowed_hosts}: IPv4 and IPv6
 * addresses and CIDR blocks, separated by commas or spaces. The server checks the peer address when
 * the connection is accepted, before it reads a byte.
 *
 * <pre>{@code
 * AllowedHosts hosts = AllowedHosts.parse("127.0.0.1,::1,192.0.2.0/24,2001:db8::/32");
 * hosts.allows(InetAddress.getByName("192.0.2.17"));   // true
 * }</pre>
 *
 * <p>Unlike nrpe, host names are refused rather than resolved: a name resolved once at start-up goes
 * stale, and a name resolved per connection lets DNS decide who may connect. An IPv4-mapped IPv6
 * peer ({@code ::ffff:192.0.2.17}, what a dual-stack socket may report) is matched as its IPv4
 * address. There is no "allow everyone" default: write {@code 0.0.0.0/0,::/0} to mean it.
 */
public final class AllowedHosts {

  /** nrpe's default, {@code allowed_hosts=127.0.0.1,::1} (sample-config/nrpe.cfg.in). */
  public static final AllowedHosts LOCALHOST = parse("127.0.0.1,::1");

  private final List<Block> blocks;
  private final List<String> entries;

  private AllowedHosts(List<Block> blocks, List<String> entries) {
    this.blocks = List.copyOf(blocks);
    this.entries = List.copyOf(entries);
  }

  /**
   * Parses an {@code allowed_hosts} value.
   *
   * @throws IllegalArgumentException if the list is empty or an entry is not an IP address or CIDR
   *     block; the message names the entry
   */
  public static AllowedHosts parse(String list) {
    if (list == null || list.isBlank()) {
      throw new IllegalArgumentException("allowed_hosts is empty (expected: IP addresses or CIDR blocks, "
          + "e.g. 127.0.0.1,::1; 0.0.0.0/0,::/0 allows everyone)");
    }
    return of(Arrays.asList(list.strip().split("[,\\s]+")));
  }

  /** The same as {@link #parse} for entries already split. */
  public static AllowedHosts of(List<String> entries) {
    if (entries.isEmpty()) {
      throw new IllegalArgumentException("allowed_hosts is empty");
    }
    List<Block> blocks = new ArrayList<>(entries.size());
    List<String> texts = new ArrayList<>(entries.size());
    for (String entry : entries) {
      blocks.add(Block.parse(entry.strip()));
      texts.add(entry.strip());
    }
    return new AllowedHosts(blocks, texts);
  }

  /** Whether a peer at {@code address} may talk to the server. */
  public boolean allows(InetAddress address) {
    if (address == null) {
      return false;
    }
    byte[] bytes = unmapIpv4(address.getAddress());
    for (Block block : blocks) {
      if (block.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  /** The entries as written, e.g. {@code [127.0.0.1, ::1]}. */
  public List<String> entries() {
    return entries;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof AllowedHosts that && blocks.equals(that.blocks);
  }

  @Override
  public int hashCode() {
    return blocks.hashCode();
  }

  @Override
  public String toString() {
    return String.join(",", entries);
  }

  // ::ffff:a.b.c.d is the IPv4 peer a.b.c.d on a dual-stack socket (RFC 4291 2.5.5.2)
  private static byte[] unmapIpv4(byte[] address) {
    if (address.length != 16) {
      return address;
    }
    for (int i = 0; i < 10; i++) {
      if (address[i] != 0) {
        return address;
      }
    }
    if (address[10] != (byte) 0xff || address[11] != (byte) 0xff) {
      return address;
    }
    return Arrays.copyOfRange(address, 12, 16);
  }

  /** One address or CIDR block, with the host bits of the network cleared. */
  private record Block(byte[] network, int prefix) {

    static Block parse(String entry) {
      if (entry.isEmpty()) {
        throw new IllegalArgumentException("allowed_hosts: empty entry");
      }
      int slash = entry.indexOf('/');
      String host = slash < 0 ? entry : entry.substring(0, slash);
      // NetUtil parses literals only, so a host name never reaches a resolver
      byte[] address = host.indexOf('%') >= 0 ? null : NetUtil.createByteArrayFromIpAddressString(host);
      if (address == null) {
        throw new IllegalArgumentException("allowed_hosts: '" + entry
            + "' is not an IP address or CIDR block (host names are not resolved)");
      }
      address = unmapIpv4(address);
      int bits = address.length * 8;
      int prefix = bits;
      if (slash >= 0) {
        String digits = entry.substring(slash + 1);
        if (!digits.matches("[0-9]{1,3}") || Integer.parseInt(digits) > bits) {
          throw new IllegalArgumentException("allowed_hosts: prefix length '" + digits + "' in '" + entry
              + "' (expected: 0.." + bits + ")");
        }
        prefix = Integer.parseInt(digits);
      }
      return new Block(mask(address, prefix), prefix);
    }

    boolean contains(byte[] address) {
      return address.length == network.length && Arrays.equals(mask(address, prefix), network);
    }

    private static byte[] mask(byte[] address, int prefix) {
      byte[] masked = address.clone();
      for (int i = 0; i < masked.length; i++) {
        int keep = Math.max(0, Math.min(8, prefix - i * 8));
        masked[i] &= (byte) (0xff << (8 - keep));
      }
      return masked;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Block that && prefix == that.prefix && Arrays.equals(network, that.network);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(network) + prefix;
    }

    @Override
    public String toString() {
      return Arrays.toString(network) + "/" + prefix;
    }
  }
}
