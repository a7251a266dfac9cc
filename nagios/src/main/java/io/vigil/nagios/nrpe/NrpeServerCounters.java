package io.vigil.nagios.nrpe;

import java.util.Map;

/**
 * A point-in-time copy of an {@link NrpeServer}'s counters, for metrics and tests. Every accepted
 * connection ends exactly once, as an answered request or as a rejection, so once the server is
 * idle {@code connectionsAccepted == requestsTotal() + rejectedTotal() + openConnections}.
 *
 * <pre>{@code
 * NrpeServerCounters c = server.counters();
 * c.requests(4, Result.OK);                    // v4 queries answered OK
 * c.rejected(RejectReason.NOT_ALLOWED);        // peers outside allowed_hosts
 * }</pre>
 *
 * @param requests answered queries by packet version and result; absent keys are zero
 * @param rejected connections closed without an answer, by reason; absent keys are zero
 * @param connectionsAccepted every connection accepted, rejected ones included
 * @param openConnections connections open now (admitted past allowed_hosts and the limit)
 * @param commandTimeouts answers that were {@code NRPE: Command timed out ...} (also in requests)
 * @param commandErrors commands that failed or threw (answered UNKNOWN, also in requests)
 */
public record NrpeServerCounters(
    Map<Requests, Long> requests,
    Map<RejectReason, Long> rejected,
    long connectionsAccepted,
    int openConnections,
    long commandTimeouts,
    long commandErrors) {

  public NrpeServerCounters {
    requests = Map.copyOf(requests);
    rejected = Map.copyOf(rejected);
  }

  /** Answered queries of one packet version (2, 3 or 4) with one result. */
  public long requests(int version, Result result) {
    return requests.getOrDefault(new Requests(version, result), 0L);
  }

  /** All answered queries. */
  public long requestsTotal() {
    return requests.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Connections rejected for {@code reason}. */
  public long rejected(RejectReason reason) {
    return rejected.getOrDefault(reason, 0L);
  }

  /** All rejected connections. */
  public long rejectedTotal() {
    return rejected.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The key of {@link #requests()}: the query's packet version and the result sent back. */
  public record Requests(int version, Result result) {
  }

  /** The NRPE result code sent back (nrpe common.h: STATE_OK 0 .. STATE_UNKNOWN 3). */
  public enum Result {
    OK, WARNING, CRITICAL, UNKNOWN;

    /** The result for code 0..3. */
    public static Result of(int code) {
      return values()[code];
    }
  }

  /** Why a connection was closed without an answer. */
  public enum RejectReason {
    /** The peer address is not in allowed_hosts; closed before reading a byte. */
    NOT_ALLOWED,
    /** Already {@code maxConnections} open; closed before reading a byte. */
    CONNECTION_LIMIT,
    /** Bytes that are not a TLS record on a TLS port, e.g. {@code check_nrpe -n}. */
    NOT_TLS,
    /** The TLS handshake failed: no common cipher, a missing or untrusted client certificate. */
    TLS_HANDSHAKE,
    /** The client tried to renegotiate TLS 1.2, which the server refuses. */
    TLS_RENEGOTIATION,
    /** The decoder refused the bytes: version, type, buffer_length, CRC or a missing NUL. */
    MALFORMED_PACKET,
    /** No complete query within the read timeout of the connection. */
    READ_TIMEOUT,
    /** Arguments ({@code cmd!arg}) for a command that takes none, as {@code dont_blame_nrpe=0}. */
    ARGUMENTS_REFUSED,
    /** An empty query, nrpe's nasty metacharacters, or bad arguments (empty, {@code $(}, too many). */
    INVALID_REQUEST,
    /** The client closed the connection before sending a complete query. */
    CLOSED_EARLY,
    /** A network error, e.g. a reset, before the answer. */
    IO_ERROR
  }
}
