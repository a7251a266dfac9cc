package io.vigil.nagios.nrpe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NrpePacketTest {

  @Test
  void query_isAVersionedQueryPacketWithResultCodeZero() {
    assertThat(NrpePacket.query(4, "check_load"))
        .isEqualTo(new NrpePacket(4, NrpePacket.Type.QUERY, (short) 0, "check_load"));
  }

  @Test
  void reply_answersInTheVersionOfTheQuery() {
    assertThat(NrpePacket.query(2, "check_load").reply(2, "CRITICAL: load"))
        .isEqualTo(new NrpePacket(2, NrpePacket.Type.RESPONSE, (short) 2, "CRITICAL: load"));
    assertThat(NrpePacket.query(3, "x").reply(0, "OK").version()).isEqualTo(3);
  }

  @Test
  void reply_isOnlyForQueries() {
    assertThatThrownBy(() -> NrpePacket.response(4, 0, "OK").reply(0, "OK"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("only a query can be replied to, not a RESPONSE");
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 5, -2})
  void rejectsVersionsOtherThan2To4(int version) {
    assertThatThrownBy(() -> NrpePacket.query(version, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("version: " + version + " (expected: 2, 3 or 4)");
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 4, 255})
  void response_rejectsResultCodesOutside0To3(int code) {
    assertThatThrownBy(() -> NrpePacket.response(4, code, "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("resultCode: " + code + " (expected: 0..3)");
  }

  @Test
  void response_dropsOutputAfterANul_asTheDaemonsStrlenDoes() {
    assertThat(NrpePacket.response(4, 0, "OK\0secret").buffer()).isEqualTo("OK");
  }

  @Test
  void rejectsANulInTheBuffer_becauseTheWireCannotCarryIt() {
    assertThatThrownBy(() -> NrpePacket.query(4, "check\0rm"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("buffer contains NUL at index 5");
  }

  @Test
  void rejectsMissingFields() {
    assertThatThrownBy(() -> new NrpePacket(4, null, (short) 0, "x")).hasMessage("type must not be null");
    assertThatThrownBy(() -> new NrpePacket(4, NrpePacket.Type.QUERY, (short) 0, null)).hasMessage("buffer must not be null");
    assertThatThrownBy(() -> NrpePacket.response(4, 0, null)).hasMessage("output must not be null");
    assertThatThrownBy(() -> new NrpeDecoder(null)).hasMessage("expectedType must not be null");
  }

  @Test
  void keepsAnyWireResultCode_becauseCheckNrpeSendsGarbageInV2Queries() {
    assertThat(new NrpePacket(2, NrpePacket.Type.QUERY, (short) 0x4b67, "check_ok").resultCode()).isEqualTo((short) 19303);
  }

  @Test
  void typeCodes_areNrpes() {
    assertThat(NrpePacket.Type.QUERY.code()).isEqualTo(1);
    assertThat(NrpePacket.Type.RESPONSE.code()).isEqualTo(2);
  }
}
