package io.vigil.nagios.config;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code ssl_*} settings of nrpe.cfg that a TLS listener needs, as nrpe 4.1 reads them
 * ({@code nrpe.c read_config_file}). Vigil's own TLS setup maps these; nothing here opens a socket.
 *
 * @param certFile       {@code ssl_cert_file}: the server certificate (PEM)
 * @param privateKeyFile {@code ssl_privatekey_file}: its key (PEM)
 * @param caCertFile     {@code ssl_cacert_file}: the CA that client certificates must chain to
 * @param clientCerts    {@code ssl_client_certs}: 0 don't ask, 1 ask, 2 require (nrpe's ClntCerts)
 * @param version        {@code ssl_version}, e.g. {@code TLSv1.2+}; empty means nrpe's {@code TLSv1+}
 * @param cipherList     {@code ssl_cipher_list} in OpenSSL syntax; empty means nrpe's default
 * @param useAdh         {@code ssl_use_adh}: 0 no anonymous DH, 1 allow (nrpe's default), 2 only ADH
 */
public record NrpeTlsSettings(Optional<Path> certFile, Optional<Path> privateKeyFile, Optional<Path> caCertFile,
    int clientCerts, Optional<String> version, Optional<String> cipherList, int useAdh) {

  /** The values of {@code ssl_version} nrpe 4.1 accepts with OpenSSL 1.1 or later. */
  public static final Set<String> VERSIONS = Set.of("TLSv1.2", "TLSv1.2+", "TLSv1.1", "TLSv1.1+", "TLSv1", "TLSv1+",
      "SSLv3", "SSLv3+");

  /** nrpe's defaults: no files, don't ask for client certificates, ADH allowed. */
  public static final NrpeTlsSettings DEFAULTS = new NrpeTlsSettings(Optional.empty(), Optional.empty(),
      Optional.empty(), 0, Optional.empty(), Optional.empty(), 1);

  public NrpeTlsSettings {
    if (clientCerts < 0 || clientCerts > 2) {
      throw new IllegalArgumentException("ssl_client_certs: " + clientCerts + " (expected: 0..2)");
    }
    if (useAdh < 0 || useAdh > 2) {
      throw new IllegalArgumentException("ssl_use_adh: " + useAdh + " (expected: 0..2)");
    }
    version.ifPresent(v -> {
      if (!VERSIONS.contains(v)) {
        throw new IllegalArgumentException("ssl_version: '" + v + "' (expected one of " + VERSIONS + ")");
      }
    });
  }

  /** Whether a client certificate is required ({@code ssl_client_certs=2}, nrpe's Require_Cert). */
  public boolean requiresClientCertificate() {
    return clientCerts == 2;
  }
}
