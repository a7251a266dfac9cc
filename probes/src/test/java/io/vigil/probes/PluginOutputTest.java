package io.vigil.probes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PluginOutputTest {

  @Test
  void parsesCheckDiskOutput_asCapturedFromTheRealPlugin() {
    // check_disk -w 50% -c 20% on a 10 MiB tmpfs (lab recipe, section 10)
    PluginOutput out = PluginOutput.parse(
        "DISK WARNING - free space: /tmp/t 4MiB (40% inode=99%);| /tmp/t=6291456B;5242880;8388608;0;10485760\n");

    assertThat(out.summary()).isEqualTo("DISK WARNING - free space: /tmp/t 4MiB (40% inode=99%);");
    assertThat(out.perfdata()).singleElement().satisfies(p -> {
      assertThat(p.label()).isEqualTo("/tmp/t");
      assertThat(p.value()).isEqualTo(6291456);
      assertThat(p.unit()).isEqualTo("B");
      assertThat(p.warning()).isEqualTo(NagiosRange.parse("5242880"));
      assertThat(p.critical()).isEqualTo(NagiosRange.parse("8388608"));
      assertThat(p.min()).isEqualTo(0.0);
      assertThat(p.max()).isEqualTo(10485760.0);
    });
    assertThat(out.perfdataErrors()).isEmpty();
  }

  @Test
  void parsesLongTextAndPerfdataOnLaterLines() {
    PluginOutput out = PluginOutput.parse("""
        OK - 2 queues | a=1
        queue celery: 0 waiting
        queue pdf: 3 waiting | 'queue pdf'=3;10;20
        b=2c
        """);

    assertThat(out.summary()).isEqualTo("OK - 2 queues");
    assertThat(out.longText()).isEqualTo("queue celery: 0 waiting\nqueue pdf: 3 waiting");
    assertThat(out.perfdata()).extracting(Perfdata::label).containsExactly("a", "queue pdf", "b");
    assertThat(out.perfdata().get(2).unit()).isEqualTo("c");
  }

  @Test
  void skipsBadPerfdataTokens_butKeepsTheRest() {
    PluginOutput out = PluginOutput.parse("OK | good=1 junk bad=abc u=U;;;0");

    assertThat(out.perfdata()).extracting(Perfdata::label).containsExactly("good", "u");
    assertThat(out.perfdata().get(1).value()).isNaN();
    assertThat(out.perfdataErrors()).containsExactly(
        "junk: expected label=value", "bad=abc: value 'abc' is not a number with an optional unit");
  }

  @Test
  void quotedLabelsKeepSpacesAndDoubledQuotes() {
    assertThat(PluginOutput.parse("x | 'a b''c'=5ms").perfdata().get(0).label()).isEqualTo("a b'c");
  }

  @Test
  void emptyOutput_givesAnEmptySummary() {
    assertThat(PluginOutput.parse("").summary()).isEmpty();
    assertThat(PluginOutput.parse(null).perfdata()).isEmpty();
  }
}
