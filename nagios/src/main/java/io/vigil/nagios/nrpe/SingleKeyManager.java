package io.vigil.nagios.nrpe;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * The server's one key and chain from PEM files, handed to JSSE as they are. A KeyManagerFactory
 * would need them in a KeyStore first, and a PKCS#12 KeyStore encrypts a key as it is stored
 * (PBKDF2, 10,000 rounds): 70-80 ms of start-up on a cold JVM, before the first answer, for nothing.
 */
final class SingleKeyManager extends X509ExtendedKeyManager {

  private static final String ALIAS = "nrpe";

  private final PrivateKey key;
  private final X509Certificate[] chain;

  SingleKeyManager(PrivateKey key, X509Certificate[] chain) {
    this.key = key;
    this.chain = chain.clone();
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return matches(keyType) ? ALIAS : null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return matches(keyType) ? ALIAS : null;
  }

  // JSSE asks per signature scheme: "RSA", "RSASSA-PSS", "EC", "EdDSA", or in TLS 1.2 "EC_EC"-style
  // with the issuer's algorithm after the underscore (as SunX509KeyManagerImpl reads it)
  private boolean matches(String keyType) {
    String algorithm = keyType.contains("_") ? keyType.substring(0, keyType.indexOf('_')) : keyType;
    return algorithm.equalsIgnoreCase(key.getAlgorithm());
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return matches(keyType) ? new String[] {ALIAS} : null;
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? chain.clone() : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? key : null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return null; // a server key only
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return null;
  }
}
