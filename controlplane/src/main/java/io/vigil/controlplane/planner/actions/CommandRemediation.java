package io.vigil.controlplane.planner.actions;

import io.vigil.remediations.ActionResult;
import io.vigil.remediations.ActionTarget;
import io.vigil.remediations.Precondition;
import io.vigil.remediations.Remediation;
import io.vigil.remediations.RemediationType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * {@code type: command}: runs a fixed argv on the planner's host, without a shell, e.g. a site's own
 * repair script. The only variable parts are {@code {host}} and {@code {check}} placeholders that
 * must be whole arguments; their values are checked against a strict pattern before use.
 *
 * <pre>{@code
 * remediations:
 *   restart-report-cache:
 *     type: command
 *     options: {argv: [/usr/local/sbin/restart-cache, "{host}"]}   # the policy's timeout bounds it
 * }</pre>
 */
public final class CommandRemediation implements Remediation {

  /** The type's name in the configuration. */
  public static final String TYPE = "command";
  private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final Set<String> PLACEHOLDERS = Set.of("{host}", "{check}");

  private final List<String> argv;

  CommandRemediation(List<String> argv) {
    this.argv = List.copyOf(argv);
  }

  /** The {@code command} type. */
  public static RemediationType type() {
    return RemediationType.of(TYPE, CommandRemediation::configure);
  }

  private static Remediation configure(Map<String, Object> options) {
    for (String key : options.keySet()) {
      if (!key.equals("argv")) {
        throw new IllegalArgumentException("unknown option '" + key + "' (expected argv)");
      }
    }
    if (!(options.get("argv") instanceof List<?> list) || list.isEmpty()) {
      throw new IllegalArgumentException("argv: a non-empty list, the program first");
    }
    List<String> argv = new ArrayList<>();
    for (Object o : list) {
      if (o == null) {
        throw new IllegalArgumentException("argv: no empty items");
      }
      String s = o.toString();
      if (s.contains("{") && !PLACEHOLDERS.contains(s)) {
        throw new IllegalArgumentException("argv: '" + s + "': placeholders must be whole arguments, {host} or {check}");
      }
      argv.add(s);
    }
    if (!Path.of(argv.get(0)).isAbsolute() || !Files.isExecutable(Path.of(argv.get(0)))) {
      throw new IllegalArgumentException("argv: '" + argv.get(0) + "' is not an executable absolute path");
    }
    return new CommandRemediation(argv);
  }

  List<String> argv(ActionTarget target) {
    List<String> out = new ArrayList<>(argv.size());
    for (String a : argv) {
      String value = switch (a) {
        case "{host}" -> target.host();
        case "{check}" -> target.check();
        default -> a;
      };
      if (!a.equals(value) && !VALUE.matcher(value).matches()) {
        throw new IllegalArgumentException(a + " value '" + value + "' does not match " + VALUE.pattern());
      }
      out.add(value);
    }
    return out;
  }

  @Override
  public String render(ActionTarget target) {
    return String.join(" ", argv(target));
  }

  @Override
  public Precondition preconditions(ActionTarget target) {
    argv(target);
    return Precondition.holds("argv valid", Map.of());
  }

  @Override
  public ActionResult execute(ActionTarget target, Duration timeout) throws InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(argv(target));
    pb.environment().clear();
    pb.environment().put("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      return ActionResult.failed("cannot start " + argv.get(0) + ": " + e.getMessage());
    }
    try {
      p.getOutputStream().close();
    } catch (IOException ignored) {
      // no stdin for the command either way
    }
    CompletableFuture<String> out = read(p.getInputStream());
    CompletableFuture<String> err = read(p.getErrorStream());
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      p.waitFor(2, TimeUnit.SECONDS);
      return new ActionResult(false, -1, out.getNow(""), err.getNow(""), "timed out after " + timeout);
    }
    int code = p.exitValue();
    String stdout = out.completeOnTimeout("", 2, TimeUnit.SECONDS).join();
    String stderr = err.completeOnTimeout("", 2, TimeUnit.SECONDS).join();
    return new ActionResult(code == 0, code, stdout, stderr, "exit " + code);
  }

  private static CompletableFuture<String> read(InputStream in) {
    return CompletableFuture.supplyAsync(() -> {
      try (in) {
        byte[] b = in.readNBytes(ActionResult.MAX_OUTPUT * 2);
        in.transferTo(java.io.OutputStream.nullOutputStream());
        return new String(b, StandardCharsets.UTF_8);
      } catch (IOException e) {
        return "";
      }
    });
  }
}
