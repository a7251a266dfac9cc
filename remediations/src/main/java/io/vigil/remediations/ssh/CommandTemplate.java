package io.vigil.remediations.ssh;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An allow-listed remote command: words separated by spaces, each either a literal from the
 * configuration or a whole-word placeholder such as {@code {service}}. The remote side is a shell,
 * so every word goes out single-quoted as exactly one argument, and every value put into a
 * placeholder must match {@link #VALUE} first; a value that does not is refused, never escaped.
 *
 * <pre>{@code
 * CommandTemplate t = CommandTemplate.parse("templates.systemd", "systemctl restart {service}");
 * t.command(Map.of("service", "celeryd-services"));   // 'systemctl' 'restart' 'celeryd-services'
 * }</pre>
 */
public final class CommandTemplate {

  /** A placeholder's value: a service, unit or queue name; never an option (no leading '-'). */
  public static final Pattern VALUE = Pattern.compile("[A-Za-z0-9@._][A-Za-z0-9@._-]{0,127}");
  /** A literal word of a template: a path, a verb, an option; no shell metacharacters. */
  static final Pattern LITERAL = Pattern.compile("[A-Za-z0-9@._/=:+,%-]{1,256}");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z][a-z0-9_]{0,31})\\}");

  private final String text;
  private final List<String> words;

  private CommandTemplate(String text, List<String> words) {
    this.text = text;
    this.words = List.copyOf(words);
  }

  /**
   * @param where the option naming the template, for errors
   * @throws IllegalArgumentException naming {@code where} and the offending word
   */
  public static CommandTemplate parse(String where, String text) {
    List<String> words = new ArrayList<>();
    for (String word : text.strip().split(" +")) {
      if (word.isEmpty()) {
        continue;
      }
      if (word.contains("{") || word.contains("}")) {
        if (!PLACEHOLDER.matcher(word).matches()) {
          throw new IllegalArgumentException("option '" + where + "': '" + word
              + "': a placeholder must be a whole word like {service}");
        }
      } else if (!LITERAL.matcher(word).matches()) {
        throw new IllegalArgumentException("option '" + where + "': '" + word
            + "' has characters a template may not hold (allowed: letters, digits and @._/=:+,%-)");
      }
      words.add(word);
    }
    if (words.isEmpty() || placeholder(words.get(0)) != null) {
      throw new IllegalArgumentException("option '" + where + "': the program must be a literal word, got '" + text + "'");
    }
    return new CommandTemplate(text.strip(), words);
  }

  private static String placeholder(String word) {
    Matcher m = PLACEHOLDER.matcher(word);
    return m.matches() ? m.group(1) : null;
  }

  /** The placeholder names, in order. */
  public List<String> placeholders() {
    return words.stream().map(CommandTemplate::placeholder).filter(p -> p != null).toList();
  }

  /**
   * The remote command line with every word single-quoted.
   *
   * @throws IllegalArgumentException when a placeholder has no value or a value fails {@link #VALUE}
   */
  public String command(Map<String, String> values) {
    StringBuilder out = new StringBuilder();
    for (String word : words) {
      String name = placeholder(word);
      String value = word;
      if (name != null) {
        value = values.get(name);
        if (value == null) {
          throw new IllegalArgumentException("template '" + text + "' needs a value for {" + name + "}");
        }
        checkValue(name, value);
      }
      if (out.length() > 0) {
        out.append(' ');
      }
      out.append(quote(value));
    }
    return out.toString();
  }

  /** @throws IllegalArgumentException when {@code value} fails {@link #VALUE}, naming the parameter */
  public static void checkValue(String name, String value) {
    if (!VALUE.matcher(value).matches()) {
      String shown = value.length() > 40 ? value.substring(0, 40) + "..." : value;
      throw new IllegalArgumentException("parameter '" + name + "': '" + shown.replaceAll("\\p{Cntrl}", "?")
          + "' refused (expected: 1-128 of A-Z a-z 0-9 @ . _ -, not starting with -)");
    }
  }

  /** POSIX shell single quoting: the word as one argument, whatever it holds. */
  static String quote(String word) {
    return "'" + word.replace("'", "'\\''") + "'";
  }

  @Override
  public String toString() {
    return text;
  }
}
