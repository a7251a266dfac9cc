package io.vigil.nagios.nrpe;

import io.netty.handler.codec.CorruptedFrameException;

/**
 * Thrown by {@link NrpeDecoder} when the bytes received are not a valid NRPE packet: a version other
 * than 2..4, an unexpected packet type, a {@code buffer_length} out of bounds, a CRC mismatch or a
 * buffer without NUL. The message names the field, its value, what was expected and the offset in
 * the packet. After it the decoder discards all input; the server should close the connection, as
 * the nrpe daemon does.
 */
public final class NrpeDecoderException extends CorruptedFrameException {

  private static final long serialVersionUID = 1L;

  public NrpeDecoderException(String message) {
    super(message);
  }
}
