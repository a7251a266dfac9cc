package io.vigil.nagios.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** include_dir cases that need a directory built at run time (hidden folders, symlink loops). */
class NrpeConfigIncludeDirTest {

  @TempDir
  Path dir;

  @Test
  void skipsHiddenDirectoriesFilesNotEndingInCfgAndDirectoriesThatDo_butReadsHiddenCfgFiles_asNrpeDoes() throws Exception {
    Path d = Files.createDirectories(dir.resolve("nrpe.d"));
    Files.createDirectories(d.resolve(".git"));
    Files.writeString(d.resolve(".git/x.cfg"), "command[in_hidden_dir]=/bin/true\n");
    Files.writeString(d.resolve(".dotted.cfg"), "command[dotted]=/bin/true\n");
    Files.writeString(d.resolve(".cfg"), "command[only_suffix]=/bin/true\n"); // nrpe needs length > 4
    Files.writeString(d.resolve("a.cfg.bak"), "command[backup]=/bin/true\n");
    Files.createDirectories(d.resolve("b.cfg"));
    Files.writeString(d.resolve("b.cfg/c.cfg"), "command[in_cfg_named_dir]=/bin/true\n");
    Path main = write("nrpe.cfg", "include_dir=" + d + "\n");

    NrpeConfig cfg = NrpeConfig.parse(main);

    assertThat(cfg.commands()).containsOnlyKeys("dotted");
  }

  @Test
  void resolvesIncludesInsideAnIncludedDirectoryAgainstThatFile() throws Exception {
    Path d = Files.createDirectories(dir.resolve("conf.d"));
    Files.writeString(d.resolve("site.cfg"), "include=../shared/base.cfg\n");
    Files.createDirectories(dir.resolve("shared"));
    Files.writeString(dir.resolve("shared/base.cfg"), "command[base]=/bin/true\n");
    Path main = write("nrpe.cfg", "include_dir=conf.d\n");

    assertThat(NrpeConfig.parse(main).commands()).containsOnlyKeys("base");
  }

  @Test
  void refusesASymlinkLoopOfDirectories() throws Exception {
    Path d = Files.createDirectories(dir.resolve("nrpe.d"));
    Files.writeString(d.resolve("a.cfg"), "command[a]=/bin/true\n");
    Files.createSymbolicLink(d.resolve("loop"), d);
    Path main = write("nrpe.cfg", "include_dir=nrpe.d\n");

    NrpeConfigException e = catchThrowableOfType(() -> NrpeConfig.parse(main), NrpeConfigException.class);

    assertThat(e.problems()).singleElement().asString()
        .startsWith(main + ":1: include cycle: ")
        .endsWith(d.toRealPath() + " -> " + d.toRealPath());
  }

  @Test
  void refusesAFileThatIncludesItself() throws Exception {
    Path main = write("nrpe.cfg", "command[a]=/bin/true\ninclude=nrpe.cfg\n");

    NrpeConfigException e = catchThrowableOfType(() -> NrpeConfig.parse(main), NrpeConfigException.class);

    assertThat(e.problems()).containsExactly(main + ":2: include cycle: " + main.toRealPath() + " -> " + main.toRealPath());
  }

  @Test
  void readsTheSameFileTwiceWhenItIsNotACycle_andThenFindsItsCommandsDuplicated() throws Exception {
    Path common = write("common.cfg", "command[c]=/bin/true\n");
    Path main = write("nrpe.cfg", "include=common.cfg\ninclude=common.cfg\n");

    NrpeConfigException e = catchThrowableOfType(() -> NrpeConfig.parse(main), NrpeConfigException.class);

    assertThat(e.problems()).containsExactly(common + ":1: command[c] is already defined at " + common + ":1");
  }

  private Path write(String name, String text) throws Exception {
    return Files.writeString(dir.resolve(name), text);
  }
}
