import COpenSSL
import Foundation

/// A streaming SHA-256, fed in chunks so that large files are never held in memory.
public final class SHA256Hasher {
  private let context: OpaquePointer

  public init() {
    guard let context = EVP_MD_CTX_new() else { fatalError("OpenSSL could not allocate a digest") }
    self.context = context
    EVP_DigestInit_ex(context, EVP_sha256(), nil)
  }

  deinit { EVP_MD_CTX_free(context) }

  public func update(_ bytes: UnsafeRawBufferPointer) {
    guard let base = bytes.baseAddress, bytes.count > 0 else { return }
    EVP_DigestUpdate(context, base, bytes.count)
  }

  public func update<Bytes: ContiguousBytes>(_ bytes: Bytes) {
    bytes.withUnsafeBytes { update($0) }
  }

  /// The digest as 64 lowercase hex characters. The hasher cannot be fed afterwards.
  public func finalize() -> String {
    var digest = [UInt8](repeating: 0, count: 32)
    var length: UInt32 = 0
    EVP_DigestFinal_ex(context, &digest, &length)
    return hex(digest)
  }

  public static func hash<Bytes: ContiguousBytes>(_ bytes: Bytes) -> String {
    let hasher = SHA256Hasher()
    hasher.update(bytes)
    return hasher.finalize()
  }
}

/// HMAC-SHA256 of `message` under `key`, as hex.
public func hmacSHA256(key: [UInt8], message: [UInt8]) -> String {
  var digest = [UInt8](repeating: 0, count: 32)
  var length: UInt32 = 0
  key.withUnsafeBytes { keyBytes in
    message.withUnsafeBytes { messageBytes in
      _ = HMAC(
        EVP_sha256(), keyBytes.baseAddress, Int32(keyBytes.count),
        messageBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), messageBytes.count,
        &digest, &length)
    }
  }
  return hex(digest)
}

/// Compares two strings in time independent of where they differ, for authentication codes.
public func constantTimeEqual(_ a: String, _ b: String) -> Bool {
  let x = Array(a.utf8)
  let y = Array(b.utf8)
  guard x.count == y.count else { return false }
  var difference: UInt8 = 0
  for i in 0..<x.count { difference |= x[i] ^ y[i] }
  return difference == 0
}

/// Cryptographically secure random bytes, for per-archive secrets.
public func secureRandomBytes(_ count: Int) -> [UInt8] {
  var bytes = [UInt8](repeating: 0, count: count)
  guard RAND_bytes(&bytes, Int32(count)) == 1 else { fatalError("OpenSSL could not produce random bytes") }
  return bytes
}

func hex(_ bytes: [UInt8]) -> String {
  let digits = Array("0123456789abcdef".utf8)
  var out = [UInt8]()
  out.reserveCapacity(bytes.count * 2)
  for byte in bytes {
    out.append(digits[Int(byte >> 4)])
    out.append(digits[Int(byte & 0xF)])
  }
  return String(decoding: out, as: UTF8.self)
}

/// The SHA-256 of `text` in base64, as Content-Security-Policy hashes are written.
public func sha256Base64(_ text: String) -> String {
  var digest = [UInt8](repeating: 0, count: 32)
  var length: UInt32 = 0
  let bytes = Array(text.utf8)
  _ = EVP_Digest(bytes, bytes.count, &digest, &length, EVP_sha256(), nil)
  return Data(digest).base64EncodedString()
}

/// SHA-256 and SHA-512 of one stream at once, for BagIt manifests.
public final class BagDigests {
  private let sha256: OpaquePointer
  private let sha512: OpaquePointer

  public init() {
    guard let a = EVP_MD_CTX_new(), let b = EVP_MD_CTX_new() else { fatalError("OpenSSL could not allocate a digest") }
    sha256 = a
    sha512 = b
    EVP_DigestInit_ex(sha256, EVP_sha256(), nil)
    EVP_DigestInit_ex(sha512, EVP_sha512(), nil)
  }

  deinit {
    EVP_MD_CTX_free(sha256)
    EVP_MD_CTX_free(sha512)
  }

  public func update<Bytes: ContiguousBytes>(_ bytes: Bytes) {
    bytes.withUnsafeBytes { buffer in
      guard let base = buffer.baseAddress, buffer.count > 0 else { return }
      EVP_DigestUpdate(sha256, base, buffer.count)
      EVP_DigestUpdate(sha512, base, buffer.count)
    }
  }

  public func finalize() -> (sha256: String, sha512: String) {
    var a = [UInt8](repeating: 0, count: 32)
    var b = [UInt8](repeating: 0, count: 64)
    var length: UInt32 = 0
    EVP_DigestFinal_ex(sha256, &a, &length)
    EVP_DigestFinal_ex(sha512, &b, &length)
    return (hex(a), hex(b))
  }
}
