import Foundation
import Hashing
import Testing

/// The libcrypto wrapper: known answers, and a used-up digest is a typed error, not a wrong hash.
@Suite struct HashingTests {
  @Test func sha256MatchesItsPublishedTestVector() throws {
    #expect(
      try SHA256Hasher.hash(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    let hasher = SHA256Hasher()
    try hasher.update(Array("a".utf8))
    try hasher.update(Array("bc".utf8))
    #expect(try hasher.finalize() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  }

  @Test func aFinishedHasherRefusesMoreBytesWithASentence() throws {
    let hasher = SHA256Hasher()
    _ = try hasher.finalize()
    #expect(throws: HashingError.digestFailed) { try hasher.update(Array("late".utf8)) }
    #expect(throws: HashingError.digestFailed) { try hasher.finalize() }
    #expect(HashingError.digestFailed.description == "OpenSSL could not compute a SHA digest.")
  }

  @Test func hmacAndBagDigestsMatchKnownAnswers() throws {
    // RFC 4231, test case 2.
    #expect(
      try hmacSHA256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    let bag = BagDigests()
    try bag.update(Array("abc".utf8))
    let (a, b) = try bag.finalize()
    #expect(a == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    #expect(b.hasPrefix("ddaf35a193617aba") && b.count == 128)
    #expect(try sha256Base64("abc") == "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=")
  }

  @Test func hexIsTwoLowercaseDigitsPerByte() throws {
    #expect(hexString([0x00, 0x0f, 0xa5, 0xff]) == "000fa5ff")
    #expect(hexString([UInt8]()) == "")
    #expect(try secureRandomBytes(16).count == 16)
  }
}
