package io.vigil.controlplane;

/** The version of this build, from the jar manifest (or "dev" when run from classes). */
public final class VigilVersion {

  private VigilVersion() {
  }

  public static String get() {
    String v = VigilVersion.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }
}
