package io.vigil.controlplane.planner.engine;

import io.vigil.controlplane.config.ConfigException;
import io.vigil.controlplane.planner.leader.Leadership;
import io.vigil.controlplane.planner.leader.PostgresLeadership;
import io.vigil.controlplane.planner.leader.SingleNodeLeadership;
import io.vigil.controlplane.planner.store.FileStore;
import io.vigil.controlplane.planner.store.PlannerStore;
import io.vigil.controlplane.planner.store.PostgresEndpoint;
import io.vigil.controlplane.planner.store.PostgresStore;
import java.io.IOException;
import java.nio.file.Files;

/** Opens the configured store and its matching leadership. */
final class Stores {

  private Stores() {
  }

  static PlannerStore open(PlannerSettings s) {
    PlannerSettings.StoreSettings st = s.store();
    if (st.type().equals("file")) {
      return FileStore.open(st.path());
    }
    return PostgresStore.open(endpoint(st));
  }

  static Leadership leadership(PlannerSettings s, PlannerStore store) {
    PlannerSettings.StoreSettings st = s.store();
    if (st.type().equals("file")) {
      return new SingleNodeLeadership(store, s.node());
    }
    return new PostgresLeadership(endpoint(st), store, s.node(), st.lockKey(), st.leaderCheckInterval());
  }

  static PostgresEndpoint endpoint(PlannerSettings.StoreSettings st) {
    String password = null;
    if (st.passwordFile() != null) {
      try {
        password = Files.readString(st.passwordFile()).strip();
      } catch (IOException e) {
        throw new ConfigException("store.password_file " + st.passwordFile() + ": cannot read: " + e.getMessage());
      }
    }
    return new PostgresEndpoint(st.url(), st.user(), password);
  }
}
