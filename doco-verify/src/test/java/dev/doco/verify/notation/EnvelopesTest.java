package dev.doco.verify.notation;

import static dev.doco.verify.notation.TestSigning.T0;
import static dev.doco.verify.notation.TestSigning.T_END;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.doco.verify.notation.TestSigning.Signer;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Header rules of the Notation envelope specifications ({@link Envelopes#parse}). */
class EnvelopesTest {
  private static final String PAYLOAD =
      TestSigning.payload(
          "application/vnd.oci.image.manifest.v1+json", "sha256:" + "0".repeat(64), 1);
  private static final Instant SIGNED = Instant.parse("2024-06-01T00:00:00Z");
  private static Signer ec;

  @BeforeAll
  static void keys() throws Exception {
    ec = TestSigning.selfSigned("C=US, ST=WA, O=Example", TestSigning.ec("secp256r1"), T0, T_END);
  }

  private static String refusedJws(Instant signingTime, Instant expiry) throws Exception {
    byte[] env =
        TestSigning.jws(
            ec, "ES256", TestSigning.protectedHeader("ES256", signingTime, expiry), PAYLOAD, null);
    return assertThrows(Malformed.class, () -> Envelopes.parse(Envelopes.MEDIA_TYPE_JWS, env))
        .getMessage();
  }

  @Test
  void jws_expiryNotAfterTheSigningTime_isRefused() throws Exception {
    assertEquals(
        "expiry 2024-05-31T00:00:00Z is not after the signing time 2024-06-01T00:00:00Z",
        refusedJws(SIGNED, SIGNED.minusSeconds(86400)));
    assertEquals(
        "expiry 2024-06-01T00:00:00Z is not after the signing time 2024-06-01T00:00:00Z",
        refusedJws(SIGNED, SIGNED));
    assertEquals(
        SIGNED.plusSeconds(1),
        Envelopes.parse(
                Envelopes.MEDIA_TYPE_JWS,
                TestSigning.jws(
                    ec,
                    "ES256",
                    TestSigning.protectedHeader("ES256", SIGNED, SIGNED.plusSeconds(1)),
                    PAYLOAD,
                    null))
            .expiry());
  }

  @Test
  void cose_headerRulesApply_contentTypeOtherThanTheNotationPayload_isRefused() throws Exception {
    Cbor.Encoder p = new Cbor.Encoder().map(5);
    p.integer(1).integer(TestSigning.COSE_ALG_ES256);
    p.integer(2).array(1).text("io.cncf.notary.signingScheme");
    p.integer(3).text("application/json");
    p.text("io.cncf.notary.signingScheme").text("notary.x509");
    p.text("io.cncf.notary.signingTime").tag(1).integer(SIGNED.getEpochSecond());
    byte[] env = TestSigning.cose(ec, TestSigning.COSE_ALG_ES256, p.toByteArray(), PAYLOAD, null);
    Malformed e =
        assertThrows(Malformed.class, () -> Envelopes.parse(Envelopes.MEDIA_TYPE_COSE, env));
    assertEquals(
        "content type is \"application/json\", expected"
            + " application/vnd.cncf.notary.payload.v1+json",
        e.getMessage());
  }

  @Test
  void cose_expiryNotListedAsCritical_isRefused() throws Exception {
    Cbor.Encoder p = new Cbor.Encoder().map(6);
    p.integer(1).integer(TestSigning.COSE_ALG_ES256);
    p.integer(2).array(1).text("io.cncf.notary.signingScheme");
    p.integer(3).text("application/vnd.cncf.notary.payload.v1+json");
    p.text("io.cncf.notary.signingScheme").text("notary.x509");
    p.text("io.cncf.notary.signingTime").tag(1).integer(SIGNED.getEpochSecond());
    p.text("io.cncf.notary.expiry").tag(1).integer(SIGNED.getEpochSecond() + 60);
    byte[] env = TestSigning.cose(ec, TestSigning.COSE_ALG_ES256, p.toByteArray(), PAYLOAD, null);
    Malformed e =
        assertThrows(Malformed.class, () -> Envelopes.parse(Envelopes.MEDIA_TYPE_COSE, env));
    assertEquals("io.cncf.notary.expiry is present but not listed as critical", e.getMessage());
  }
}
