import COpenSSL
import Foundation

/// Why OpenSSL could not hash, one sentence per case. None of these comes from the bytes being
/// hashed: each means the crypto library itself failed (memory, or a missing provider).
package enum HashingError: Error, Equatable, CustomStringConvertible {
  case digestUnavailable
  case digestFailed
  case authenticationCodeFailed
  case randomUnavailable

  package var description: String {
    switch self {
    case .digestUnavailable: return "OpenSSL could not start a SHA digest."
    case .digestFailed: return "OpenSSL could not compute a SHA digest."
    case .authenticationCodeFailed: return "OpenSSL could not compute an authentication code."
    case .randomUnavailable: return "OpenSSL could not produce secure random bytes."
    }
  }
}

/// One OpenSSL digest context, freed in `deinit`. A failure is kept and thrown by every later
/// call, so a digest of partly fed bytes can never come out.
final class DigestContext {
  private let context: OpaquePointer?
  private var failure: HashingError?

  init(_ algorithm: OpaquePointer?) {
    context = EVP_MD_CTX_new()
    if context == nil || EVP_DigestInit_ex(context, algorithm, nil) != 1 { failure = .digestUnavailable }
  }

  deinit { EVP_MD_CTX_free(context) }

  func update(_ bytes: UnsafeRawBufferPointer) throws {
    if let failure { throw failure }
    guard let base = bytes.baseAddress, bytes.count > 0 else { return }
    guard EVP_DigestUpdate(context, base, bytes.count) == 1 else {
      failure = .digestFailed
      throw HashingError.digestFailed
    }
  }

  /// The digest's bytes; the context cannot be fed afterwards.
  func finalize() throws -> [UInt8] {
    if let failure { throw failure }
    failure = .digestFailed  // Finalised: any further use is a failure.
    var digest = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
    var length: UInt32 = 0
    guard EVP_DigestFinal_ex(context, &digest, &length) == 1, Int(length) <= digest.count else {
      throw HashingError.digestFailed
    }
    return Array(digest.prefix(Int(length)))
  }
}

/// A streaming SHA-256, fed in chunks so that large files are never held in memory.
package final class SHA256Hasher {
  private let digest = DigestContext(EVP_sha256())

  package init() {}

  package func update(_ bytes: UnsafeRawBufferPointer) throws {
    try digest.update(bytes)
  }

  package func update<Bytes: ContiguousBytes>(_ bytes: Bytes) throws {
    try bytes.withUnsafeBytes { try update($0) }
  }

  /// The digest as 64 lowercase hex characters. The hasher cannot be fed afterwards.
  package func finalize() throws -> String {
    hexString(try digest.finalize())
  }

  package static func hash<Bytes: ContiguousBytes>(_ bytes: Bytes) throws -> String {
    let hasher = SHA256Hasher()
    try hasher.update(bytes)
    return try hasher.finalize()
  }

  /// The digest of the file at `url`, read a megabyte at a time; nil when it cannot be read (or
  /// OpenSSL cannot compute the digest), which gives no verdict either way.
  package static func hash(fileAt url: URL) -> String? {
    guard let handle = FileHandle(forReadingAtPath: url.path) else { return nil }
    defer { try? handle.close() }
    let hasher = SHA256Hasher()
    while let chunk = try? handle.read(upToCount: 1 << 20), !chunk.isEmpty { try? hasher.update(chunk) }
    return try? hasher.finalize()
  }
}

/// HMAC-SHA256 of `message` under `key`, as hex.
package func hmacSHA256(key: [UInt8], message: [UInt8]) throws -> String {
  var digest = [UInt8](repeating: 0, count: 32)
  var length: UInt32 = 0
  guard let keyLength = Int32(exactly: key.count) else { throw HashingError.authenticationCodeFailed }
  let result = key.withUnsafeBytes { keyBytes in
    message.withUnsafeBytes { messageBytes in
      HMAC(
        EVP_sha256(), keyBytes.baseAddress, keyLength,
        messageBytes.baseAddress?.assumingMemoryBound(to: UInt8.self), messageBytes.count,
        &digest, &length)
    }
  }
  guard result != nil, length == 32 else { throw HashingError.authenticationCodeFailed }
  return hexString(digest)
}

/// Compares two strings in time independent of where they differ, for authentication codes.
package func constantTimeEqual(_ a: String, _ b: String) -> Bool {
  let x = Array(a.utf8)
  let y = Array(b.utf8)
  guard x.count == y.count else { return false }
  var difference: UInt8 = 0
  for i in 0..<x.count { difference |= x[i] ^ y[i] }
  return difference == 0
}

/// Cryptographically secure random bytes, for per-archive secrets.
package func secureRandomBytes(_ count: Int) throws -> [UInt8] {
  guard let length = Int32(exactly: count), length >= 0 else { throw HashingError.randomUnavailable }
  var bytes = [UInt8](repeating: 0, count: count)
  guard RAND_bytes(&bytes, length) == 1 else { throw HashingError.randomUnavailable }
  return bytes
}

/// Bytes as lowercase hex, two digits each: the one hex encoder in Salon.
package func hexString<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
  let digits = Array("0123456789abcdef".utf8)
  var out = [UInt8]()
  out.reserveCapacity(bytes.underestimatedCount * 2)
  for byte in bytes {
    out.append(digits[Int(byte >> 4)])
    out.append(digits[Int(byte & 0xF)])
  }
  return String(decoding: out, as: UTF8.self)
}

/// The SHA-256 of `text` in base64, as Content-Security-Policy hashes are written.
package func sha256Base64(_ text: String) throws -> String {
  let digest = DigestContext(EVP_sha256())
  try Array(text.utf8).withUnsafeBytes { try digest.update($0) }
  return Data(try digest.finalize()).base64EncodedString()
}

/// SHA-256 and SHA-512 of one stream at once, for BagIt manifests.
package final class BagDigests {
  private let sha256 = DigestContext(EVP_sha256())
  private let sha512 = DigestContext(EVP_sha512())

  package init() {}

  package func update<Bytes: ContiguousBytes>(_ bytes: Bytes) throws {
    try bytes.withUnsafeBytes { buffer in
      try sha256.update(buffer)
      try sha512.update(buffer)
    }
  }

  package func finalize() throws -> (sha256: String, sha512: String) {
    (hexString(try sha256.finalize()), hexString(try sha512.finalize()))
  }
}
