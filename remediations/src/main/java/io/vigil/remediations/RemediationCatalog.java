package io.vigil.remediations;

import io.vigil.remediations.cache.HttpFlush;
import io.vigil.remediations.cache.MemcachedFlush;
import io.vigil.remediations.cache.ProxyCachePurge;
import io.vigil.remediations.pgpool.PgpoolAttach;
import io.vigil.remediations.postgres.WalReplayResume;
import io.vigil.remediations.ssh.CeleryRestart;
import io.vigil.remediations.ssh.SshRestart;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The remediation types Vigil ships, by the name a configuration gives as {@code type:}.
 *
 * <pre>{@code
 * Remediation r = RemediationCatalog.standard().get("pgpool_attach").configure(options);
 * }</pre>
 */
public final class RemediationCatalog {

  private RemediationCatalog() {
  }

  /** Every standard type by name, in a stable order. */
  public static Map<String, RemediationType> standard() {
    Map<String, RemediationType> types = new LinkedHashMap<>();
    for (RemediationType t : new RemediationType[] {
        PgpoolAttach.type(), WalReplayResume.type(), SshRestart.type(), CeleryRestart.type(),
        MemcachedFlush.type(), HttpFlush.type(), ProxyCachePurge.type()}) {
      types.put(t.name(), t);
    }
    return Collections.unmodifiableMap(types);
  }
}
