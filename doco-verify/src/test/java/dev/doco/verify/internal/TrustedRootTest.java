package dev.doco.verify.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.doco.verify.internal.TrustedRoot.TransparencyLog;
import dev.doco.verify.internal.TrustedRoot.Validity;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parsing {@code trusted_root.json} and the validity windows and log lookups it yields. */
class TrustedRootTest {
  static final Instant START = Instant.parse("2024-01-01T00:00:00Z");
  static final Instant END = Instant.parse("2025-01-01T00:00:00Z");

  final KeyPair rekor = TestPki.ec();
  final KeyPair ct = TestPki.ec();
  final TestPki.Ca ca = TestPki.ca("root");

  static String b64(byte[] b) {
    return Base64.getEncoder().encodeToString(b);
  }

  static String log(String url, KeyPair k, String validFor) {
    return "{\"baseUrl\":\""
        + url
        + "\",\"hashAlgorithm\":\"SHA2_256\",\"publicKey\":{\"rawBytes\":\""
        + b64(k.getPublic().getEncoded())
        + "\",\"keyDetails\":\"PKIX_ECDSA_P256_SHA_256\""
        + validFor
        + "},\"logId\":{\"keyId\":\""
        + b64(Crypto.sha256(k.getPublic().getEncoded()))
        + "\"}}";
  }

  String json(String mediaTypeMember, String tlogValidFor, String ctValidFor, String caChain) {
    return "{"
        + mediaTypeMember
        + "\"tlogs\":["
        + log("https://rekor.test", rekor, tlogValidFor)
        + "],\"ctlogs\":["
        + log("https://ctfe.test", ct, ctValidFor)
        + "],\"certificateAuthorities\":[{\"uri\":\"https://fulcio.test\",\"certChain\":{\"certificates\":["
        + caChain
        + "]},\"validFor\":{\"start\":\"2024-01-01T00:00:00Z\"}}]}";
  }

  String caCert() throws Exception {
    return "{\"rawBytes\":\"" + b64(ca.cert().getEncoded()) + "\"}";
  }

  TrustedRoot parse(String json) throws SignatureCheckException {
    return TrustedRoot.parse(json.getBytes(StandardCharsets.UTF_8), "test.json");
  }

  static final String MT =
      "\"mediaType\":\"application/vnd.dev.sigstore.trustedroot+json;version=0.1\",";
  static final String FROM_START = ",\"validFor\":{\"start\":\"2024-01-01T00:00:00Z\"}";

  @Test
  void parse_readsLogsAndCas_withOpenEndedWindows() throws Exception {
    TrustedRoot r = parse(json(MT, FROM_START, "", caCert()));
    TransparencyLog t = r.tlogs().get(0);
    assertEquals("https://rekor.test", t.baseUrl());
    assertEquals(new Validity(START, null), t.validFor());
    assertEquals(new Validity(null, null), r.ctlogs().get(0).validFor());
    assertEquals(ca.cert(), r.certificateAuthorities().get(0).anchor());
    assertEquals("https://fulcio.test", r.certificateAuthorities().get(0).uri());
    assertEquals(List.of(), r.certificateAuthorities().get(0).intermediates());
    assertEquals(new Validity(START, null), r.certificateAuthorities().get(0).validFor());
  }

  @Test
  void parse_withoutMediaType_isAccepted() throws Exception {
    assertEquals(1, parse(json("", FROM_START, "", caCert())).tlogs().size());
  }

  @Test
  void parse_ofOtherMediaType_isRefused() throws Exception {
    String j =
        json(
            "\"mediaType\":\"application/vnd.dev.sigstore.bundle+json\",",
            FROM_START,
            "",
            caCert());
    SignatureCheckException e = assertThrows(SignatureCheckException.class, () -> parse(j));
    assertEquals(
        "test.json is not a Sigstore trusted root (mediaType application/vnd.dev.sigstore.bundle+json)",
        e.getMessage());
  }

  @Test
  void parse_rekorLogWithoutStart_isRefused() throws Exception {
    String j = json(MT, "", "", caCert());
    SignatureCheckException e = assertThrows(SignatureCheckException.class, () -> parse(j));
    assertEquals(
        "test.json: transparency log https://rekor.test has no publicKey.validFor.start",
        e.getMessage());
  }

  @Test
  void parse_badTimestamp_isRefused() throws Exception {
    String j = json(MT, ",\"validFor\":{\"start\":\"yesterday\"}", "", caCert());
    SignatureCheckException e = assertThrows(SignatureCheckException.class, () -> parse(j));
    assertEquals("bad timestamp in trusted root: yesterday", e.getMessage());
  }

  @Test
  void parse_caWithEmptyChain_isRefused() {
    String j = json(MT, FROM_START, "", "");
    SignatureCheckException e = assertThrows(SignatureCheckException.class, () -> parse(j));
    assertEquals("certificate authority with an empty certChain", e.getMessage());
  }

  @Test
  void validity_includesBothEnds_andNothingOutside() {
    Validity v = new Validity(START, END);
    assertTrue(v.contains(START));
    assertTrue(v.contains(END));
    assertFalse(v.contains(START.minusSeconds(1)));
    assertFalse(v.contains(END.plusSeconds(1)));
    assertTrue(new Validity(null, END).contains(Instant.EPOCH));
    assertTrue(new Validity(START, null).contains(Instant.parse("2999-01-01T00:00:00Z")));
  }

  @Test
  void tlogAndCtlog_areFoundByTheirOwnLogIdOnly() throws Exception {
    TrustedRoot r = parse(json(MT, FROM_START, "", caCert()));
    byte[] rekorId = Crypto.sha256(rekor.getPublic().getEncoded());
    byte[] ctId = Crypto.sha256(ct.getPublic().getEncoded());
    assertSame(r.tlogs().get(0), r.tlog(rekorId).orElseThrow());
    assertSame(r.ctlogs().get(0), r.ctlog(ctId).orElseThrow());
    assertTrue(r.tlog(ctId).isEmpty());
    assertTrue(r.ctlog(rekorId).isEmpty());
  }

  @Test
  void host_isTheUrlsHost_orTheBaseUrlWhenItHasNone() {
    Validity v = TestPki.open();
    assertEquals(
        "rekor.sigstore.dev", TestPki.log("https://rekor.sigstore.dev:443/api", rekor, v).host());
    assertEquals("rekor-local", TestPki.log("rekor-local", rekor, v).host());
    assertEquals("http://[broken", TestPki.log("http://[broken", rekor, v).host());
  }

  @Test
  void transparencyLogs_areEqualByUrlAndLogId() {
    Validity v = TestPki.open();
    TransparencyLog a = TestPki.log("https://rekor.test", rekor, v);
    TransparencyLog same = TestPki.log("https://rekor.test", rekor, new Validity(null, null));
    assertEquals(a, same);
    assertEquals(a.hashCode(), same.hashCode());
    assertNotEquals(a, TestPki.log("https://other.test", rekor, v));
    assertNotEquals(a, TestPki.log("https://rekor.test", ct, v));
  }

  @Test
  void publicGoodVector_hasTheRekorLogFromItsReadme() throws Exception {
    TrustedRoot r =
        TrustedRoot.load(
            dev.doco.verify.testing.Vectors.path(
                "trusted-roots/public-good.cosign-testdata.trusted_root.json"));
    TransparencyLog rekor =
        r.tlog(
                java.util.HexFormat.of()
                    .parseHex("c0d23d6ad406973f9559f3ba2d1ca01f84147d8ffc5b8445c224f98b9591801d"))
            .orElseThrow();
    assertEquals("rekor.sigstore.dev", rekor.host());
    assertNull(rekor.validFor().end());
    assertTrue(r.timestampAuthorities().isEmpty());
  }
}
