package io.vigil.nagios.nrpe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;

class AllowedHostsTest {

  @Test
  void default_isNrpesLocalhostPair() {
    assertThat(AllowedHosts.LOCALHOST.entries()).containsExactly("127.0.0.1", "::1");
    assertThat(AllowedHosts.LOCALHOST.allows(ip("127.0.0.1"))).isTrue();
    assertThat(AllowedHosts.LOCALHOST.allows(ip("::1"))).isTrue();
    assertThat(AllowedHosts.LOCALHOST.allows(ip("127.0.0.2"))).isFalse();
    assertThat(AllowedHosts.LOCALHOST.allows(ip("192.0.2.1"))).isFalse();
  }

  @Test
  void singleAddresses_matchOnlyThemselves() {
    AllowedHosts hosts = AllowedHosts.parse("192.0.2.10, 2001:db8::5");

    assertThat(hosts.allows(ip("192.0.2.10"))).isTrue();
    assertThat(hosts.allows(ip("192.0.2.11"))).isFalse();
    assertThat(hosts.allows(ip("2001:db8:0:0:0:0:0:5"))).isTrue();
    assertThat(hosts.allows(ip("2001:db8::6"))).isFalse();
  }

  @Test
  void ipv4Cidr_matchesItsBlock() {
    AllowedHosts hosts = AllowedHosts.parse("10.20.0.0/14");

    assertThat(hosts.allows(ip("10.20.0.0"))).isTrue();
    assertThat(hosts.allows(ip("10.23.255.255"))).isTrue();
    assertThat(hosts.allows(ip("10.24.0.0"))).isFalse();
    assertThat(hosts.allows(ip("10.19.255.255"))).isFalse();
  }

  @Test
  void ipv6Cidr_matchesItsBlock() {
    AllowedHosts hosts = AllowedHosts.parse("2001:db8:abcd::/48");

    assertThat(hosts.allows(ip("2001:db8:abcd:ffff::1"))).isTrue();
    assertThat(hosts.allows(ip("2001:db8:abce::1"))).isFalse();
  }

  @Test
  void cidrWithHostBitsSet_isMaskedLikeNrpe() {
    assertThat(AllowedHosts.parse("192.0.2.77/24").allows(ip("192.0.2.200"))).isTrue();
    assertThat(AllowedHosts.parse("192.0.2.77/24")).isEqualTo(AllowedHosts.parse("192.0.2.0/24"));
  }

  @Test
  void zeroPrefix_allowsAFamily_andOnlyThatFamily() {
    AllowedHosts anyIpv4 = AllowedHosts.parse("0.0.0.0/0");

    assertThat(anyIpv4.allows(ip("203.0.113.9"))).isTrue();
    assertThat(anyIpv4.allows(ip("2001:db8::1"))).isFalse();
    assertThat(AllowedHosts.parse("0.0.0.0/0,::/0").allows(ip("2001:db8::1"))).isTrue();
  }

  @Test
  void ipv4MappedIpv6Peer_matchesItsIpv4Entry() throws UnknownHostException {
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = (byte) 192;
    mapped[14] = 2;
    mapped[15] = 10;
    // Inet6Address.getByAddress keeps the mapped form that a dual-stack socket can report
    InetAddress peer = java.net.Inet6Address.getByAddress(null, mapped, -1);

    assertThat(AllowedHosts.parse("192.0.2.0/24").allows(peer)).isTrue();
    assertThat(AllowedHosts.parse("198.51.100.0/24").allows(peer)).isFalse();
  }

  @Test
  void ipv4Rule_doesNotMatchAnIpv6PeerWithTheSameLeadingBytes() {
    assertThat(AllowedHosts.parse("32.1.13.184").allows(ip("2001:db8::"))).isFalse();
  }

  @Test
  void nullPeer_isNotAllowed() {
    assertThat(AllowedHosts.LOCALHOST.allows(null)).isFalse();
  }

  @Test
  void hostNames_areRefused_neverResolved() {
    assertThatThrownBy(() -> AllowedHosts.parse("127.0.0.1,nagios.example.com"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'nagios.example.com' is not an IP address or CIDR block");
    assertThatThrownBy(() -> AllowedHosts.parse("localhost")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void badPrefixes_andZoneIds_areRefused() {
    assertThatThrownBy(() -> AllowedHosts.parse("10.0.0.0/33")).hasMessageContaining("(expected: 0..32)");
    assertThatThrownBy(() -> AllowedHosts.parse("::/129")).hasMessageContaining("(expected: 0..128)");
    assertThatThrownBy(() -> AllowedHosts.parse("10.0.0.0/")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AllowedHosts.parse("10.0.0.0/-1")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AllowedHosts.parse("10.0.0.0/8/8")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AllowedHosts.parse("fe80::1%eth0")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AllowedHosts.parse("300.0.0.1")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void emptyList_isRefused_ratherThanMeaningEveryone() {
    assertThatThrownBy(() -> AllowedHosts.parse("")).hasMessageContaining("allowed_hosts is empty");
    assertThatThrownBy(() -> AllowedHosts.parse("  ")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AllowedHosts.parse(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void separators_areCommasOrWhitespace() {
    assertThat(AllowedHosts.parse("127.0.0.1 ::1\t10.0.0.0/8,,192.0.2.1").entries())
        .containsExactly("127.0.0.1", "::1", "10.0.0.0/8", "192.0.2.1");
    assertThat(AllowedHosts.parse("127.0.0.1,::1")).hasToString("127.0.0.1,::1");
  }

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal); // literals only: no lookup
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
