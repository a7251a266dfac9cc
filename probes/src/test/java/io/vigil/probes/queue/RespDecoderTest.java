package io.vigil.probes.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.probes.queue.RespDecoder.Reply;
import java.io.ByteArrayOutputStream;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RespDecoderTest {

  private final RespDecoder decoder = new RespDecoder();

  @Test
  void decodesEachReplyType_fedOneByteAtATime() throws Exception {
    byte[] wire = ascii("+PONG\r\n:200\r\n-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
        + "$5\r\nhello\r\n$-1\r\n$0\r\n\r\n");
    List<Reply> replies = new ArrayList<>();
    for (byte b : wire) {
      ByteBuffer one = ByteBuffer.wrap(new byte[] {b});
      Reply reply = decoder.decode(one);
      assertThat(one.hasRemaining()).isFalse();
      if (reply != null) {
        replies.add(reply);
      }
    }

    assertThat(replies).extracting(Reply::toString).containsExactly("+PONG", ":200",
        "-WRONGTYPE Operation against a key holding the wrong kind of value", "$hello", "(nil)", "$");
    assertThat(replies.get(1).integer()).isEqualTo(200);
    assertThat(replies.get(2).isError()).isTrue();
  }

  @Test
  void pipelinedReplies_leaveTheNextOnesInTheBuffer() throws Exception {
    ByteBuffer in = ByteBuffer.wrap(ascii(":1\r\n:0\r\n:42\r\n"));

    assertThat(decoder.decode(in).integer()).isEqualTo(1);
    assertThat(in.remaining()).isEqualTo(9);
    assertThat(decoder.decode(in).integer()).isZero();
    assertThat(decoder.decode(in).integer()).isEqualTo(42);
    assertThat(in.hasRemaining()).isFalse();
    assertThat(decoder.decode(in)).isNull();
  }

  @Test
  void bulkStringSplitAcrossReads_isReassembled() throws Exception {
    assertThat(decoder.decode(ByteBuffer.wrap(ascii("$11\r\nhello ")))).isNull();
    assertThat(decoder.decode(ByteBuffer.wrap(ascii("world\r")))).isNull();
    assertThat(decoder.decode(ByteBuffer.wrap(ascii("\n"))).text()).isEqualTo("hello world");
  }

  @Test
  void refusesAnSshBanner_namingTheFirstByte() {
    assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(ascii("SSH-2.0-OpenSSH_9.2p1\r\n"))))
        .isInstanceOf(ProtocolException.class).hasMessage("not a RESP reply: first byte 0x53 'S'");
  }

  @Test
  void refusesArrays_andOutOfBoundLengths() {
    assertThatThrownBy(() -> new RespDecoder().decode(ByteBuffer.wrap(ascii("*2\r\n"))))
        .hasMessageContaining("unexpected RESP array");
    assertThatThrownBy(() -> new RespDecoder().decode(ByteBuffer.wrap(ascii("$99999999\r\n"))))
        .hasMessage("bulk_length: 99999999 (expected: -1.." + RespDecoder.MAX_BULK + ")");
    assertThatThrownBy(() -> new RespDecoder().decode(ByteBuffer.wrap(ascii("$-7\r\n"))))
        .hasMessage("bulk_length: -7 (expected: -1.." + RespDecoder.MAX_BULK + ")");
    assertThatThrownBy(() -> new RespDecoder().decode(ByteBuffer.wrap(ascii(":12x\r\n"))))
        .hasMessage("integer: '12x' is not a number");
    assertThatThrownBy(() -> new RespDecoder().decode(ByteBuffer.wrap(ascii("+OK\n"))))
        .hasMessage("RESP line ends with LF without CR");
    assertThatThrownBy(() -> new RespDecoder().decode(ByteBuffer.wrap(ascii("$3\r\nabcde"))))
        .hasMessage("bulk string of 3 bytes not followed by CRLF");
  }

  @Test
  void refusesALineLongerThanTheBound_withoutBufferingMore() {
    ByteBuffer endless = ByteBuffer.wrap(ascii("+" + "x".repeat(RespDecoder.MAX_LINE + 10)));

    assertThatThrownBy(() -> decoder.decode(endless)).hasMessageStartingWith("line_length: more than 4096 bytes");
    assertThat(endless.remaining()).isLessThan(20);
  }

  @Test
  void startsCleanAfterAnError_orAReset() throws Exception {
    assertThatThrownBy(() -> decoder.decode(ByteBuffer.wrap(ascii("!")))).isInstanceOf(ProtocolException.class);
    assertThat(decoder.decode(ByteBuffer.wrap(ascii(":7\r\n"))).integer()).isEqualTo(7);

    assertThat(decoder.decode(ByteBuffer.wrap(ascii("$3\r\nab")))).isNull();
    decoder.reset();
    assertThat(decoder.decode(ByteBuffer.wrap(ascii("+OK\r\n"))).text()).isEqualTo("OK");
  }

  @Test
  void encodesCommandsAsArraysOfBulkStrings() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    RespClient.encode(List.of("LLEN", "celery\u0006\u00163"), out);

    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("*2\r\n$4\r\nLLEN\r\n$9\r\ncelery\u0006\u00163\r\n");
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
