import Foundation

/// Reads byte ranges from a file with pread, for header parsing without loading the file.
final class RandomAccessFile {
  private let descriptor: Int32
  let size: Int

  init?(path: String) {
    descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    var info = stat()
    guard fstat(descriptor, &info) == 0 else {
      close(descriptor)
      return nil
    }
    size = Int(info.st_size)
  }

  deinit { close(descriptor) }

  /// Up to `count` bytes at `offset` (fewer at the end of the file).
  func read(at offset: Int, count: Int) -> [UInt8] {
    guard offset >= 0, count > 0, offset < size else { return [] }
    let wanted = min(count, size - offset)
    var bytes = [UInt8](repeating: 0, count: wanted)
    var done = 0
    while done < wanted {
      let n = bytes.withUnsafeMutableBytes {
        pread(descriptor, $0.baseAddress! + done, wanted - done, off_t(offset + done))
      }
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { break }
      done += n
    }
    return done == wanted ? bytes : Array(bytes.prefix(done))
  }
}

/// Little- and big-endian integers out of byte arrays, nil when out of range. Offsets may come
/// from the file itself, so the range checks subtract instead of adding.
extension Array where Element == UInt8 {
  func uint16LE(_ at: Int) -> Int? {
    guard at >= 0, at <= count - 2 else { return nil }
    return Int(self[at]) | Int(self[at + 1]) << 8
  }
  func uint32LE(_ at: Int) -> Int? {
    guard at >= 0, at <= count - 4 else { return nil }
    return Int(self[at]) | Int(self[at + 1]) << 8 | Int(self[at + 2]) << 16 | Int(self[at + 3]) << 24
  }
  func uint64LE(_ at: Int) -> Int? {
    guard let low = uint32LE(at), let high = uint32LE(at + 4), high < 0x7FFF_FFFF else { return nil }
    return low | high << 32
  }
  func uint16BE(_ at: Int) -> Int? {
    guard at >= 0, at <= count - 2 else { return nil }
    return Int(self[at]) << 8 | Int(self[at + 1])
  }
  func uint32BE(_ at: Int) -> Int? {
    guard at >= 0, at <= count - 4 else { return nil }
    return Int(self[at]) << 24 | Int(self[at + 1]) << 16 | Int(self[at + 2]) << 8 | Int(self[at + 3])
  }
  func uint64BE(_ at: Int) -> Int? {
    guard let high = uint32BE(at), let low = uint32BE(at + 4), high < 0x7FFF_FFFF else { return nil }
    return high << 32 | low
  }
  func ascii(_ at: Int, _ length: Int) -> String? {
    guard at >= 0, length >= 0, at <= count - length else { return nil }
    return String(decoding: self[at..<at + length], as: UTF8.self)
  }
}
