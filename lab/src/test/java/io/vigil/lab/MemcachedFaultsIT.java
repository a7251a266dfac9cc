package io.vigil.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MemcachedFaultsIT {

  private static final Lab LAB = Lab.get();

  @BeforeAll
  static void labUp() {
    LAB.up("memcached");
  }

  @AfterEach
  void heal() {
    LAB.heal("memcached-stop").orThrow();
  }

  @Test
  void memcachedStop_closesThePort_andHealStartsItAgain() throws IOException {
    assertThat(canConnect()).isTrue();

    LAB.fault("memcached-stop").orThrow();
    assertThatThrownBy(MemcachedFaultsIT::connect).isInstanceOf(ConnectException.class);
    assertThat(LAB.status().output()).containsPattern("memcached\\s+FAILING");

    LAB.heal("memcached-stop").orThrow();
    assertThat(canConnect()).isTrue();
    assertThat(LAB.status().output()).containsPattern("memcached\\s+up");
  }

  private static boolean canConnect() throws IOException {
    connect();
    return true;
  }

  private static void connect() throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(LabPorts.HOST, LabPorts.MEMCACHED), 2000);
    }
  }
}
