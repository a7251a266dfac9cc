package io.vigil.remediations;

/**
 * The outcome of one attempt. {@code stdout} and {@code stderr} are bounded (at most
 * {@link #MAX_OUTPUT} characters each, cut with a marker) before they reach the timeline.
 *
 * @param exitCode the command's exit status, or -1 when the action is not a command
 */
public record ActionResult(boolean ok, int exitCode, String stdout, String stderr, String summary) {

  public static final int MAX_OUTPUT = 4096;

  public ActionResult {
    stdout = bound(stdout);
    stderr = bound(stderr);
    summary = summary == null ? "" : summary;
  }

  public static ActionResult ok(String summary) {
    return new ActionResult(true, 0, "", "", summary);
  }

  public static ActionResult failed(String summary) {
    return new ActionResult(false, -1, "", "", summary);
  }

  static String bound(String s) {
    if (s == null) {
      return "";
    }
    return s.length() <= MAX_OUTPUT ? s : s.substring(0, MAX_OUTPUT) + "... [cut at " + MAX_OUTPUT + " of " + s.length() + " chars]";
  }
}
