package io.vigil.probes.postgres.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The SCRAM-SHA-256 example exchange of RFC 7677, section 3 (user "user", password "pencil"). */
class ScramTest {

  private static final String SERVER_FIRST =
      "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";

  @Test
  void computesTheRfcProof_andAcceptsTheRfcServerSignature() {
    Scram scram = new Scram("user", "pencil", "rOprNGfwEbeRWgbNEkqO");

    assertThat(scram.clientFirst()).isEqualTo("n,,n=user,r=rOprNGfwEbeRWgbNEkqO");
    assertThat(scram.clientFinal(SERVER_FIRST)).isEqualTo("c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
        + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
    assertThat(scram.verifyServerFinal("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")).isTrue();
    assertThat(scram.verifyServerFinal("v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")).isFalse();
  }

  @Test
  void refusesAServerNonceThatDoesNotExtendOurs() {
    Scram scram = new Scram("", "pencil", "ours");

    assertThatThrownBy(() -> scram.clientFinal("r=theirs,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nonce");
  }
}
