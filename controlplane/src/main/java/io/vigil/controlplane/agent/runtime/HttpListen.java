package io.vigil.controlplane.agent.runtime;

import io.vigil.controlplane.config.ConfigFile;
import io.vigil.controlplane.config.YamlSection;
import java.nio.file.Path;

/**
 * Where the agent's HTTP side ({@code /health}, {@code /metrics}) listens: {@code micronaut.server.host}
 * and {@code micronaut.server.port} of the same file, with the application's defaults
 * (127.0.0.1:8480), so one file configures {@code vigil run} and {@code vigil agent} alike.
 * Port -1 means any free port, as in Micronaut.
 */
record HttpListen(String host, int port) {

  static final String DEFAULT_HOST = "127.0.0.1";
  static final int DEFAULT_PORT = 8480;

  HttpListen {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
    }
  }

  /** From {@code file}, or from the bundled example when it is null. */
  static HttpListen of(Path file) {
    YamlSection root = file == null ? YamlSection.loadResource(ConfigFile.BUNDLED_EXAMPLE) : YamlSection.load(file);
    YamlSection server = root.section("micronaut").section("server");
    String host = server.string("host").orElse(DEFAULT_HOST);
    String port = server.string("port").orElse(Integer.toString(DEFAULT_PORT));
    try {
      int n = Integer.parseInt(port.strip());
      return new HttpListen(host, n == -1 ? 0 : n);
    } catch (IllegalArgumentException e) {
      throw server.errorAt("port", "micronaut.server.port: '" + port + "' (expected a port number, or -1 for any)");
    }
  }
}
