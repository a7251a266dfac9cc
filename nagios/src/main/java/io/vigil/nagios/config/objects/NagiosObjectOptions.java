package io.vigil.nagios.config.objects;

import java.util.Objects;
import java.util.Optional;

/**
 * Choices for the generated object file beyond the inventory.
 *
 * <pre>{@code
 * NagiosObjectOptions.defaults(CheckNrpeOptions.tls(5666).withCa(Path.of("/etc/vigil/ca.pem")))
 *     .withSiteContactGroup("admins").withSiteTimeperiod("24x7");
 * }</pre>
 *
 * @param prefix          put before the name of every object Vigil defines (commands, hostgroups,
 *                        timeperiod, contact), so they cannot collide with the site's
 * @param checkNrpe       how check_nrpe reaches the hosts
 * @param siteContactGroup an existing contact group to notify; empty means Vigil defines a contact
 *                        and a contact group (notifying through {@code /bin/true}) of its own
 * @param siteTimeperiod  an existing timeperiod to check and notify in; empty means Vigil defines 24x7
 * @param agentHostCheck  whether a host is checked by asking its NRPE server for its version
 *                        (check_nrpe without {@code -c}); without it Nagios never checks the host
 */
public record NagiosObjectOptions(String prefix, CheckNrpeOptions checkNrpe, Optional<String> siteContactGroup,
    Optional<String> siteTimeperiod, boolean agentHostCheck) {

  /** The prefix of {@link #defaults}. */
  public static final String DEFAULT_PREFIX = "vigil-";

  public NagiosObjectOptions {
    Objects.requireNonNull(prefix, "prefix");
    if (!prefix.isEmpty()) {
      NagiosNames.objectName("object name prefix", prefix);
    }
    Objects.requireNonNull(checkNrpe, "checkNrpe");
    siteContactGroup.ifPresent(g -> NagiosNames.objectName("site contact group", g));
    siteTimeperiod.ifPresent(t -> NagiosNames.objectName("site timeperiod", t));
  }

  /** Prefix {@code vigil-}, Vigil's own contact and 24x7 timeperiod, hosts checked through NRPE. */
  public static NagiosObjectOptions defaults(CheckNrpeOptions checkNrpe) {
    return new NagiosObjectOptions(DEFAULT_PREFIX, checkNrpe, Optional.empty(), Optional.empty(), true);
  }

  /** The same notifying the site's existing contact group instead of defining one. */
  public NagiosObjectOptions withSiteContactGroup(String contactGroup) {
    return new NagiosObjectOptions(prefix, checkNrpe, Optional.of(contactGroup), siteTimeperiod, agentHostCheck);
  }

  /** The same using the site's existing timeperiod instead of defining one. */
  public NagiosObjectOptions withSiteTimeperiod(String timeperiod) {
    return new NagiosObjectOptions(prefix, checkNrpe, siteContactGroup, Optional.of(timeperiod), agentHostCheck);
  }

  /** The same with another prefix. */
  public NagiosObjectOptions withPrefix(String objectPrefix) {
    return new NagiosObjectOptions(objectPrefix, checkNrpe, siteContactGroup, siteTimeperiod, agentHostCheck);
  }

  /** The same with or without the NRPE host check. */
  public NagiosObjectOptions withAgentHostCheck(boolean enabled) {
    return new NagiosObjectOptions(prefix, checkNrpe, siteContactGroup, siteTimeperiod, enabled);
  }

  String checkCommand() {
    return prefix + "check-nrpe";
  }

  String agentCommand() {
    return prefix + "check-nrpe-agent";
  }

  String notifyCommand() {
    return prefix + "notify-none";
  }

  String contact() {
    return prefix + "ops";
  }

  String contactGroup() {
    return siteContactGroup.orElse(prefix + "ops");
  }

  String timeperiod() {
    return siteTimeperiod.orElse(prefix + "24x7");
  }

  String hostgroup(String role) {
    return prefix + role;
  }
}
