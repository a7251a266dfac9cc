package io.vigil.nagios.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ShellSyntaxTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '¦', value = {
      "/bin/a | /bin/b ¦ |",
      "/bin/a || /bin/b ¦ ||",
      "/bin/a & ¦ &",
      "/bin/a&&/bin/b ¦ &&",
      "/bin/a ; /bin/b ¦ ;",
      "/bin/a >/dev/null ¦ >",
      "/bin/a 2>&1 ¦ >",
      "/bin/a < /etc/hosts ¦ <",
      "/bin/a `id` ¦ `",
      "/bin/a \"`id`\" ¦ `",
      "/bin/a $(id) ¦ $(",
      "/bin/a \"$(id)\" ¦ $(",
      "/bin/a $HOME ¦ $HOME",
      "/bin/a \"$HOME/x\" ¦ $HOME",
      "/bin/a ${HOME} ¦ ${",
      "/bin/a $1 ¦ $1",
      "/bin/a $? ¦ $?",
      "/bin/a \\; ¦ \\",
      "/bin/a \"\\$x\" ¦ \\",
      "/bin/a ~/x ¦ ~",
      "/bin/a #comment ¦ #",
      "/bin/a (x) ¦ (",
      "/bin/a $FOO$ ¦ $FOO",
  })
  void findsWhatOnlyAShellGivesMeaningTo(String line, String construct) {
    assertThat(ShellSyntax.firstShellConstruct(line)).contains(construct);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "/usr/lib/nagios/plugins/check_disk -w 20% -c 10% -p /",
      "/usr/bin/printf 'OK - %02000d|x=1\\n' 7",
      "/bin/a 'a | b; c && d > e < f `g` $(h) $HOME \\ ~ # ( )'",
      "/bin/a \"a | b; c && d > e < f ( ) ~ # \\n\"",
      "/bin/a $ARG1$ x$ARG2$y \"$ARG3$\" $ARG16$",
      "/bin/a cost$$ $$ARG1$",
      "/bin/a issue#42 a~b",
      "/bin/a $ 5$",
      "/bin/a -u /status?auto *.log [ab]",
      "/usr/bin/python3 -c \"import sys; print('x'); sys.exit(7)\"",
  })
  void acceptsWhatMeansTheSameAsArgvWords(String line) {
    assertThat(ShellSyntax.firstShellConstruct(line)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"/bin/a -u /status?auto", "/bin/a *.log", "/bin/a [ab]"})
  void listsUnquotedGlobs(String line) {
    assertThat(ShellSyntax.globs(line)).hasSize(1);
    assertThat(ShellSyntax.globs(line.replaceFirst(" (\\S+)$", " '$1'"))).isEmpty();
  }
}
