package io.vigil.nagios.config;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** The nrpe.cfg fixtures under src/test/resources/io/vigil/nagios/config/nrpe. */
final class Fixtures {

  private Fixtures() {
  }

  static Path nrpe(String name) {
    URL url = Fixtures.class.getResource("/io/vigil/nagios/config/nrpe/" + name);
    if (url == null) {
      throw new IllegalArgumentException("no fixture nrpe/" + name);
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
