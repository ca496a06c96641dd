package dev.doco.verify.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.api.Test;

/** Which signature algorithms each key type accepts, on freshly generated keys. */
class CryptoTest {
  static final byte[] DATA = "signed bytes".getBytes(StandardCharsets.UTF_8);

  static KeyPair gen(String alg, int bits) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance(alg);
    g.initialize(bits);
    return g.generateKeyPair();
  }

  static byte[] pss(KeyPair k, String hash, int salt) throws Exception {
    Signature s = Signature.getInstance("RSASSA-PSS");
    s.setParameter(new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(hash), salt, 1));
    s.initSign(k.getPrivate());
    s.update(DATA);
    return s.sign();
  }

  @Test
  void curveHash_isTheCurvesOwnHash() {
    assertEquals("SHA-256", Crypto.curveHash((ECPublicKey) TestPki.ec("secp256r1").getPublic()));
    assertEquals("SHA-384", Crypto.curveHash((ECPublicKey) TestPki.ec("secp384r1").getPublic()));
    assertEquals("SHA-512", Crypto.curveHash((ECPublicKey) TestPki.ec("secp521r1").getPublic()));
  }

  @Test
  void bundle_p384_acceptsSha384_andCosignsSha256Default() {
    KeyPair k = TestPki.ec("secp384r1");
    assertTrue(
        Crypto.verifyBundle(
            k.getPublic(), DATA, TestPki.sign("SHA384withECDSA", k.getPrivate(), DATA)));
    assertTrue(
        Crypto.verifyBundle(
            k.getPublic(), DATA, TestPki.sign("SHA256withECDSA", k.getPrivate(), DATA)));
    assertFalse(
        Crypto.verifyBundle(
            k.getPublic(), DATA, TestPki.sign("SHA512withECDSA", k.getPrivate(), DATA)));
  }

  @Test
  void bundle_p521_acceptsSha512() {
    KeyPair k = TestPki.ec("secp521r1");
    assertTrue(
        Crypto.verifyBundle(
            k.getPublic(), DATA, TestPki.sign("SHA512withECDSA", k.getPrivate(), DATA)));
  }

  @Test
  void bundle_p256_refusesSha384() {
    KeyPair k = TestPki.ec("secp256r1");
    assertFalse(
        Crypto.verifyBundle(
            k.getPublic(), DATA, TestPki.sign("SHA384withECDSA", k.getPrivate(), DATA)));
  }

  @Test
  void classic_ecdsaIsAlwaysSha256() {
    KeyPair k = TestPki.ec("secp384r1");
    assertTrue(
        Crypto.verifyClassic(
            k.getPublic(), DATA, TestPki.sign("SHA256withECDSA", k.getPrivate(), DATA)));
    assertFalse(
        Crypto.verifyClassic(
            k.getPublic(), DATA, TestPki.sign("SHA384withECDSA", k.getPrivate(), DATA)));
  }

  @Test
  void rsa_acceptsPkcs1v15_pssWithDigestLengthSalt_andPssWithMaximumSalt() throws Exception {
    KeyPair k = gen("RSA", 2048);
    assertTrue(
        Crypto.verifyBundle(
            k.getPublic(), DATA, TestPki.sign("SHA256withRSA", k.getPrivate(), DATA)));
    assertTrue(Crypto.verifyBundle(k.getPublic(), DATA, pss(k, "SHA-256", 32)));
    // Go's rsa.PSSSaltLengthAuto: modulus bytes - hash bytes - 2
    assertTrue(Crypto.verifyBundle(k.getPublic(), DATA, pss(k, "SHA-256", 256 - 32 - 2)));
  }

  @Test
  void rsa_refusesPssWithOtherSaltLength_andTamperedData() throws Exception {
    KeyPair k = gen("RSA", 2048);
    assertFalse(Crypto.verifyBundle(k.getPublic(), DATA, pss(k, "SHA-256", 20)));
    assertFalse(
        Crypto.verifyBundle(
            k.getPublic(), "other".getBytes(StandardCharsets.UTF_8), pss(k, "SHA-256", 32)));
  }

  @Test
  void ed25519_fromJdkAndFromBouncyCastle_verifiesPureEd25519() throws Exception {
    KeyPair k = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] sig = TestPki.sign("Ed25519", k.getPrivate(), DATA);
    PublicKey bc =
        KeyFactory.getInstance("Ed25519", new BouncyCastleProvider())
            .generatePublic(new X509EncodedKeySpec(k.getPublic().getEncoded()));
    assertEquals("Ed25519", bc.getAlgorithm());
    for (PublicKey key : new PublicKey[] {k.getPublic(), bc}) {
      assertTrue(Crypto.verifyClassic(key, DATA, sig), key.getAlgorithm());
      assertFalse(
          Crypto.verifyClassic(key, "other".getBytes(StandardCharsets.UTF_8), sig),
          key.getAlgorithm());
    }
  }

  @Test
  void dsaKey_isNeverAccepted_evenWithItsValidSignature() throws Exception {
    KeyPair k = gen("DSA", 2048);
    byte[] sig = TestPki.sign("SHA256withDSA", k.getPrivate(), DATA);
    assertFalse(Crypto.verify(k.getPublic(), DATA, sig, "SHA-256"));
  }

  @Test
  void unknownHashName_isNotAccepted() {
    KeyPair k = TestPki.ec("secp256r1");
    byte[] sig = TestPki.sign("SHA256withECDSA", k.getPrivate(), DATA);
    assertFalse(Crypto.verify(k.getPublic(), DATA, sig, "SHA-999"));
  }
}
