package io.vigil.remediations.ssh;

import io.vigil.probes.internal.HttpFetch;
import io.vigil.remediations.ActionResult;
import io.vigil.remediations.ActionTarget;
import io.vigil.remediations.Precondition;
import io.vigil.remediations.Remediation;
import io.vigil.remediations.RemediationType;
import io.vigil.remediations.TransientActionException;
import io.vigil.remediations.internal.Options;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code type: celery_restart}: an {@link SshRestart} of a Celery worker whose verification is the
 * queue, not the process: healthy once the worker's queue has its consumers back and its backlog
 * is empty or shrinking, read from the RabbitMQ management API. A live worker can stop consuming
 * (celery#2296), so "process alive" proves nothing. Refused while the broker itself does not
 * answer: then the worker is not the cause, and restarting it helps nothing.
 *
 * <p>Options: every option of {@code ssh_restart}, plus {@code management_url}
 * (http://127.0.0.1:15672), {@code management_user} (guest), {@code management_password_file}
 * (one line; default password guest), {@code vhost} (/), {@code queue} (celery; a target's
 * {@code params.queue} overrides it), {@code min_consumers} (1), {@code http_timeout} (5s).
 */
public final class CeleryRestart implements Remediation {

  public static final String TYPE = "celery_restart";

  private final SshRestart ssh;
  private final QueueReader api;
  private final String vhost;
  private final String queue;
  private final int minConsumers;
  /** Messages on the queue per host when the restart ran, and at the last verify: draining is "fewer". */
  private final Map<String, Long> lastSeen = new ConcurrentHashMap<>();
  /** Consumer channels per host before the restart: they do not count as "back". */
  private final Map<String, Set<String>> oldChannels = new ConcurrentHashMap<>();

  CeleryRestart(SshRestart ssh, QueueReader api, String vhost, String queue, int minConsumers) {
    this.ssh = ssh;
    this.api = api;
    this.vhost = vhost;
    this.queue = queue;
    this.minConsumers = minConsumers;
  }

  /** The {@code celery_restart} type. */
  public static RemediationType type() {
    return RemediationType.of(TYPE, options -> {
      Options o = Options.of(options);
      SshRestart ssh = SshRestart.read(TYPE, o);
      var url = HttpFetch.url("management_url", o.string("management_url", "http://127.0.0.1:15672"));
      String user = o.string("management_user", "guest");
      Path passwordFile = o.absolutePath("management_password_file", null);
      String vhost = o.string("vhost", "/");
      String queue = o.string("queue", "celery");
      CommandTemplate.checkValue("queue", queue);
      int min = o.integer("min_consumers", 1, 1, 1000);
      Duration timeout = o.duration("http_timeout", Duration.ofSeconds(5), Duration.ofMillis(100), Duration.ofMinutes(1));
      o.rejectUnknown();
      String password = "guest";
      if (passwordFile != null) {
        try {
          password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
          ssh.close();
          throw new IllegalArgumentException("option 'management_password_file': cannot read " + passwordFile);
        }
      }
      return new CeleryRestart(ssh, new QueueReader(url, user, password, timeout), vhost, queue, min);
    });
  }

  private String queueOf(ActionTarget target) {
    SshRestart.Host h = ssh.find(target);
    return h == null ? queue : h.params().getOrDefault("queue", queue);
  }

  @Override
  public String render(ActionTarget target) {
    return ssh.render(target) + "; then verify: queue '" + queueOf(target) + "' has " + minConsumers
        + "+ consumers and a shrinking backlog (" + api.url(vhost, queueOf(target)) + ")";
  }

  @Override
  public Precondition preconditions(ActionTarget target) throws InterruptedException {
    Precondition pre = ssh.preconditions(target);
    if (!pre.ok()) {
      return pre;
    }
    Map<String, String> facts = new LinkedHashMap<>(pre.facts());
    try {
      QueueReader.Depth d = api.read(vhost, queueOf(target));
      facts.put("queue", queueOf(target));
      facts.put("messages", Long.toString(d.messages()));
      facts.put("consumers", Long.toString(d.consumers()));
    } catch (IOException e) {
      facts.put("broker", "unreachable");
      return Precondition.refused("broker does not answer for queue '" + queueOf(target) + "' (" + HttpFetch.reason(e)
          + "): the worker is not the cause; not restarting it", facts);
    }
    return Precondition.holds(pre.why() + "; broker answers", facts);
  }

  @Override
  public ActionResult execute(ActionTarget target, Duration timeout) throws TransientActionException, InterruptedException {
    try {
      QueueReader.Depth before = api.read(vhost, queueOf(target));
      lastSeen.put(target.host(), before.messages());
      oldChannels.put(target.host(), before.channels());
    } catch (IOException e) {
      lastSeen.remove(target.host());   // verify then waits for an empty queue or a first decrease
      oldChannels.remove(target.host());
    }
    return ssh.execute(target, timeout);
  }

  /**
   * Healthy when the queue has at least {@code min_consumers} consumers on channels that were not
   * there before the restart, and is draining: empty, acknowledgements flowing (the sample's ack
   * rate), or fewer messages than at the last reading (at the restart, then at each call). The
   * management API's samples lag by seconds (on the lab a fresh sample came every ~5 s, first
   * showing 0 messages and 0 consumers with 300 queued): a stale reading still shows the old
   * worker's channel, or none, so it cannot pass for the new worker; one fresh sample suffices.
   */
  @Override
  public Verdict verify(ActionTarget target) throws InterruptedException {
    QueueReader.Depth d;
    try {
      d = api.read(vhost, queueOf(target));
    } catch (IOException e) {
      return Verdict.NOT_YET;
    }
    Long before = d.messages() >= 0 ? lastSeen.put(target.host(), d.messages()) : lastSeen.get(target.host());
    Set<String> fresh = new HashSet<>(d.channels());
    fresh.removeAll(oldChannels.getOrDefault(target.host(), Set.of()));
    boolean consuming = fresh.size() >= minConsumers;
    boolean draining = d.messages() == 0 || d.ackRate() > 0
        || (before != null && d.messages() >= 0 && d.messages() < before);
    return consuming && draining ? Verdict.HEALTHY : Verdict.NOT_YET;
  }

  @Override
  public void close() {
    ssh.close();
  }

  SshRestart ssh() {
    return ssh;
  }
}
