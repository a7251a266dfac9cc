package io.vigil.nagios.config.objects;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How Nagios runs the real check_nrpe (Debian nagios-nrpe-plugin 4.1) against a host's NRPE server:
 * the port and the transport flags.
 *
 * <ul>
 *   <li>{@link #tls(int)}: no flags, check_nrpe's default; it negotiates TLS (1.3 against a server with
 *       a certificate) but verifies nothing;
 *   <li>{@link #withCa(Path)}: {@code -A ca.pem}, the server certificate must chain to that CA;
 *   <li>{@link #withClientCertificate(Path, Path)}: {@code -C cert.pem -K key.pem} for a server that
 *       requires client certificates ({@code ssl_client_certs=2});
 *   <li>{@link #plaintext(int)}: {@code -n}, no TLS at all.
 * </ul>
 *
 * @param program           check_nrpe's absolute path
 * @param port              the NRPE port ({@code -p})
 * @param plaintext         {@code -n}
 * @param caCertificate     {@code -A}
 * @param clientCertificate {@code -C}
 * @param clientKey         {@code -K}
 * @param timeout           {@code -t} in whole seconds; empty means check_nrpe's 10 s
 */
public record CheckNrpeOptions(Path program, int port, boolean plaintext, Optional<Path> caCertificate,
    Optional<Path> clientCertificate, Optional<Path> clientKey, Optional<Duration> timeout) {

  /** Where Debian's nagios-nrpe-plugin installs check_nrpe. */
  public static final Path CHECK_NRPE = Path.of("/usr/lib/nagios/plugins/check_nrpe");

  public CheckNrpeOptions {
    NagiosNames.path("check_nrpe program", program.toString());
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("NRPE port: " + port + " (expected: 1..65535)");
    }
    caCertificate.ifPresent(p -> NagiosNames.path("check_nrpe -A", p.toString()));
    clientCertificate.ifPresent(p -> NagiosNames.path("check_nrpe -C", p.toString()));
    clientKey.ifPresent(p -> NagiosNames.path("check_nrpe -K", p.toString()));
    if (clientCertificate.isPresent() != clientKey.isPresent()) {
      throw new IllegalArgumentException("check_nrpe -C and -K go together: a client certificate needs its key");
    }
    if (plaintext && (caCertificate.isPresent() || clientCertificate.isPresent())) {
      throw new IllegalArgumentException("check_nrpe -n (plaintext) cannot be combined with -A, -C or -K");
    }
    Objects.requireNonNull(timeout, "timeout");
    timeout.ifPresent(t -> {
      if (t.toSeconds() < 1 || t.toNanos() % 1_000_000_000L != 0) {
        throw new IllegalArgumentException("check_nrpe -t: " + t + " (expected: whole seconds, at least 1)");
      }
    });
  }

  /** check_nrpe with no transport flags: TLS without verification. */
  public static CheckNrpeOptions tls(int port) {
    return new CheckNrpeOptions(CHECK_NRPE, port, false, Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty());
  }

  /** check_nrpe {@code -n}. */
  public static CheckNrpeOptions plaintext(int port) {
    return new CheckNrpeOptions(CHECK_NRPE, port, true, Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty());
  }

  /** The same with {@code -A ca}: the server's certificate is verified against {@code ca}. */
  public CheckNrpeOptions withCa(Path ca) {
    return new CheckNrpeOptions(program, port, plaintext, Optional.of(ca), clientCertificate, clientKey, timeout);
  }

  /** The same with {@code -C certificate -K key}. */
  public CheckNrpeOptions withClientCertificate(Path certificate, Path key) {
    return new CheckNrpeOptions(program, port, plaintext, caCertificate, Optional.of(certificate), Optional.of(key),
        timeout);
  }

  /** The same with {@code -t seconds}. */
  public CheckNrpeOptions withTimeout(Duration seconds) {
    return new CheckNrpeOptions(program, port, plaintext, caCertificate, clientCertificate, clientKey,
        Optional.of(seconds));
  }

  /** The same running another check_nrpe binary. */
  public CheckNrpeOptions withProgram(Path checkNrpe) {
    return new CheckNrpeOptions(checkNrpe, port, plaintext, caCertificate, clientCertificate, clientKey, timeout);
  }

  /**
   * A Nagios {@code command_line}: check_nrpe against {@code $HOSTADDRESS$} with these flags, and
   * {@code -c $ARG1$} when {@code withCommand} (without it, check_nrpe asks for the server's version).
   */
  String commandLine(boolean withCommand) {
    List<String> words = new ArrayList<>(List.of(program.toString(), "-H", "$HOSTADDRESS$", "-p", String.valueOf(port)));
    if (plaintext) {
      words.add("-n");
    }
    caCertificate.ifPresent(ca -> words.addAll(List.of("-A", ca.toString())));
    clientCertificate.ifPresent(cert -> words.addAll(List.of("-C", cert.toString())));
    clientKey.ifPresent(key -> words.addAll(List.of("-K", key.toString())));
    timeout.ifPresent(t -> words.addAll(List.of("-t", String.valueOf(t.toSeconds()))));
    if (withCommand) {
      words.addAll(List.of("-c", "$ARG1$"));
    }
    return String.join(" ", words);
  }
}
