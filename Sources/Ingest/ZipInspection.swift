import Catalog
import Foundation
import Zip

/// Set from a signal handler when the organiser presses Ctrl-C: ingest stops at the next block,
/// discards what it was writing and records nothing half-done.
nonisolated(unsafe) public var interruptRequested: sig_atomic_t = 0

public struct Interrupted: Error, CustomStringConvertible {
  public var description: String { "Interrupted; the submission being read was not recorded." }
}

/// One zip read once, streamed: every byte copied (the zip as received) and hashed, every entry
/// checked, hashed and written to a temporary file. Nothing is stored until the caller keeps it.
final class ZipInspection {
  struct Entry {
    var path: String
    var file: TemporaryFile
    var head: [UInt8]
    var type = DetectedType.unknown
    var properties = MediaProperties()
  }

  let limits: Limits
  let zipCopy: TemporaryFile
  private let zipCopyWriter: BackgroundWriter
  var entries: [Entry] = []
  var problems: [Finding] = []
  var warnings: [Finding] = []
  private var junk: [String] = []
  /// Every local entry the stream showed, in order, with the bytes it produced (nil if skipped).
  private var streamed: [(path: String, produced: Int?)] = []

  init(archive: SalonArchive, limits: Limits) throws {
    self.limits = limits
    self.zipCopy = try archive.makeTemporaryFile()
    self.zipCopyWriter = BackgroundWriter(zipCopy)
  }

  /// Files the stream wrote, to be discarded when the submission is rejected.
  var temporaryFiles: [TemporaryFile] { entries.map(\.file) }

  /// Removes every temporary file, after the background writer has stopped touching the zip copy
  /// (an interruption or an error can leave blocks in its queue).
  func discardAll() {
    try? zipCopyWriter.finish()
    zipCopy.discard()
    for file in temporaryFiles { file.discard() }
  }

  func run(path: String, archive: SalonArchive) throws {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      throw CatalogError.storage("Salon cannot read \(path): \(String(cString: strerror(errno))).")
    }
    defer { close(descriptor) }
    var info = stat()
    fstat(descriptor, &info)
    let size = Int(info.st_size)

    var magic = [UInt8](repeating: 0, count: 4)
    let magicCount = magic.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, 4, 0) }
    if magicCount < 4 || !(magic == [0x50, 0x4B, 0x03, 0x04] || magic == [0x50, 0x4B, 0x05, 0x06]) {
      problems.append(
        Finding(
          .notAZip,
          magicCount >= 4 && size > 4
            ? "This file is not a zip, or has other data before the zip starts (a self-extracting archive?); please send a plain .zip."
            : "This file is not a zip; please send a .zip file."))
      try drain(descriptor)
      try zipCopyWriter.finish()
      return
    }
    if size > limits.maxZipBytes {
      problems.append(
        Finding(
          .zipTooLarge,
          "The zip is \(readableSize(size)); the call allows at most \(readableSize(limits.maxZipBytes))."))
      try drain(descriptor)
      try zipCopyWriter.finish()
      return
    }

    try streamEntries(descriptor, archive: archive)
    try drain(descriptor)
    try zipCopyWriter.finish()
    checkCentralDirectory()
    classifyEntries()
    if !junk.isEmpty {
      warnings.append(
        Finding(.junkIgnored, "Ignored system files that zip tools add: \(junk.joined(separator: ", ")).", file: nil))
    }
  }

  /// Copies the rest of the input into the zip copy.
  private func drain(_ descriptor: Int32) throws {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
    defer { buffer.deallocate() }
    while true {
      if interruptRequested != 0 { throw Interrupted() }
      let n = read(descriptor, buffer.baseAddress, buffer.count)
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { break }
      try zipCopyWriter.write(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
    }
  }

  private func streamEntries(_ descriptor: Int32, archive: SalonArchive) throws {
    let copy = zipCopyWriter
    let reader = try ZipStreamReader { buffer in
      if interruptRequested != 0 { throw Interrupted() }
      while true {
        let n = read(descriptor, buffer.baseAddress, buffer.count)
        if n < 0 && errno == EINTR { continue }
        if n < 0 { throw CatalogError.storage("Salon could not read the zip: \(String(cString: strerror(errno))).") }
        if n > 0 { try copy.write(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) }
        return n
      }
    }
    var seen: [String: String] = [:]
    var unpacked = 0
    do {
      while let header = try reader.nextEntry() {
        if header.kind != .directory { streamed.append((header.path, nil)) }
        let fileCount = streamed.count
        if fileCount > limits.maxEntries {
          problems.append(
            Finding(
              .tooManyEntries,
              "The zip holds more than \(limits.maxEntries) files; the call allows at most \(limits.maxEntries)."))
          return
        }
        let name = header.path
        if let reason = EntryName.unsafeReason(name) {
          problems.append(
            Finding(.unsafeName, "The file name \"\(printable(name))\" is unsafe: \(reason).", file: printable(name)))
          continue
        }
        switch header.kind {
        case .directory: continue
        case .symbolicLink, .hardLink:
          problems.append(
            Finding(.linkEntry, "\"\(name)\" is a link, not a file; please put the file itself in the zip.", file: name)
          )
          continue
        case .other:
          problems.append(
            Finding(
              .specialEntry, "\"\(name)\" is not a regular file (a device or pipe); please remove it.", file: name))
          continue
        case .file: break
        }
        if EntryName.isJunk(name) {
          junk.append(name)
          continue
        }
        let key = EntryName.comparisonKey(name)
        if let other = seen[key] {
          problems.append(
            Finding(
              .duplicateName,
              "\"\(other)\" and \"\(name)\" have the same name once case and accents are ignored; please rename one.",
              file: name))
          continue
        }
        seen[key] = name
        if header.isEncrypted {
          problems.append(
            Finding(
              .encryptedEntry, "\"\(name)\" is password-protected; please send it without a password.", file: name))
          continue
        }
        let file = try archive.makeTemporaryFile()
        var head: [UInt8] = []
        var produced = 0
        var stop = false
        let damaged = try readDetectingDamage(reader, entry: name) { block in
          produced += block.count
          if let declared = header.declaredSize, produced > declared {
            problems.append(
              Finding(
                .sizeMismatch,
                "\"\(name)\" unpacks to more data than the zip declares for it (a sign of a zip bomb or a damaged zip).",
                file: name))
            stop = true
            return false
          }
          if unpacked + produced > limits.maxUnpackedBytes {
            problems.append(
              Finding(
                .tooMuchData,
                "The files in the zip unpack to more than \(readableSize(limits.maxUnpackedBytes)); the call allows at most that much."
              ))
            stop = true
            return false
          }
          if head.count < FileTypeDetector.headLength {
            head.append(contentsOf: block.prefix(FileTypeDetector.headLength - head.count))
          }
          try file.write(block)
          return true
        }
        if damaged {
          file.discard()
          streamed[streamed.count - 1].produced = produced
          continue
        }
        if stop {
          file.discard()
          return
        }
        unpacked += produced
        streamed[streamed.count - 1].produced = produced
        entries.append(Entry(path: name, file: file, head: head))
      }
    } catch let error as ZipReadError {
      switch error.kind {
      case .truncated:
        problems.append(
          Finding(.zipTruncated, "The zip ends early, probably an incomplete upload; please send it again."))
      case .encrypted:
        problems.append(
          Finding(.encryptedEntry, "The zip holds password-protected files; please send it without a password."))
      case .corrupt:
        problems.append(
          Finding(.zipCorrupt, "The zip is damaged and cannot be read (\(error.message)); please create it again."))
      }
    }
  }

  /// Reads the current entry's data; an entry whose bytes fail their CRC-32 or declared size is
  /// reported and skipped (returns true), and the stream reads on so that every reason is shown.
  private func readDetectingDamage(
    _ reader: ZipStreamReader, entry name: String, _ consume: (UnsafeRawBufferPointer) throws -> Bool
  ) throws -> Bool {
    do {
      try reader.readData(consume)
      return false
    } catch ZipReadError.checksumMismatch {
      problems.append(
        Finding(
          .crcMismatch,
          "\"\(name)\" is damaged: its checksum does not match, so the upload or download was corrupted; please send the zip again.",
          file: name))
      return true
    } catch ZipReadError.sizeMismatch {
      // More data than declared stops the entry early; this is the other way round.
      problems.append(
        Finding(
          .sizeMismatch,
          "\"\(name)\" unpacks to less data than the zip declares for it (a sign of a zip bomb or a damaged zip).",
          file: name))
      return true
    }
  }

  /// Checks the zip's table of contents against what the stream showed.
  private func checkCentralDirectory() {
    // A zip cut short has no table of contents to compare; saying so again would add nothing.
    if problems.contains(where: { $0.code == ProblemCode.zipTruncated.rawValue }) { return }
    let streamFailed = problems.contains { $0.code == ProblemCode.zipCorrupt.rawValue }
    guard let file = RandomAccessFile(path: zipCopy.url.path) else { return }
    let directory: CentralDirectory
    do {
      directory = try CentralDirectory.read(file, maximumEntries: limits.maxEntries)
    } catch CentralDirectory.Failure.missing {
      // libarchive stops with no useful message at the end of a zip with no table of contents.
      problems.removeAll { $0.code == ProblemCode.zipCorrupt.rawValue }
      problems.append(
        Finding(
          .centralDirectoryMissing,
          "The zip has no table of contents (central directory); it is incomplete or damaged. Please create it again."))
      return
    } catch CentralDirectory.Failure.overlapping(let a, let b) {
      problems.append(
        Finding(
          .overlappingEntries,
          "\"\(printable(a))\" and \"\(printable(b))\" share the same bytes in the zip, a trick used by zip bombs."))
      return
    } catch CentralDirectory.Failure.inconsistent(let reason) {
      if !streamFailed {
        problems.append(
          Finding(.centralDirectoryMismatch, "The zip's table of contents does not match its contents: \(reason)."))
      }
      return
    } catch {
      return
    }
    if streamFailed { return }
    // libarchive turns backslashes into slashes; the table of contents keeps the name as written.
    for entry in directory.entries {
      let comparable = entry.flags & 0x800 != 0 || entry.nameBytes.allSatisfy { $0 < 0x80 }
      if comparable, let reason = EntryName.unsafeReason(entry.name),
        !problems.contains(where: { $0.code == ProblemCode.unsafeName.rawValue && $0.file == printable(entry.name) })
      {
        problems.append(
          Finding(
            .unsafeName, "The file name \"\(printable(entry.name))\" is unsafe: \(reason).", file: printable(entry.name)
          ))
        entries.removeAll {
          EntryName.comparisonKey($0.path)
            == EntryName.comparisonKey(entry.name.replacingOccurrences(of: "\\", with: "/"))
        }
      }
    }
    let files = directory.entries.filter { !$0.name.hasSuffix("/") }.sorted {
      $0.localHeaderOffset < $1.localHeaderOffset
    }
    if problems.contains(where: { $0.code == ProblemCode.tooManyEntries.rawValue }) { return }
    guard files.count == streamed.count else {
      problems.append(
        Finding(
          .centralDirectoryMismatch,
          "The zip's table of contents lists \(files.count) files but the zip holds \(streamed.count)."))
      return
    }
    for (entry, local) in zip(files, streamed) {
      let comparable = entry.flags & 0x800 != 0 || entry.nameBytes.allSatisfy { $0 < 0x80 }
      let writtenName = entry.name.replacingOccurrences(of: "\\", with: "/")
      if comparable && EntryName.comparisonKey(writtenName) != EntryName.comparisonKey(local.path) {
        problems.append(
          Finding(
            .centralDirectoryMismatch,
            "The zip's table of contents names \"\(printable(entry.name))\" where the zip holds \"\(local.path)\"."))
        return
      }
      let name = local.path
      switch entry.unixFileType {
      case 0xA000 where !problems.contains(where: { $0.file == name }):
        problems.append(
          Finding(.linkEntry, "\"\(name)\" is a link, not a file; please put the file itself in the zip.", file: name))
      case 0x1000, 0x2000, 0x6000, 0xC000:
        problems.append(
          Finding(.specialEntry, "\"\(name)\" is not a regular file (a device or pipe); please remove it.", file: name))
      default: break
      }
      if entry.isEncrypted && !problems.contains(where: { $0.code == ProblemCode.encryptedEntry.rawValue }) {
        problems.append(
          Finding(.encryptedEntry, "\"\(name)\" is password-protected; please send it without a password.", file: name))
      }
      if let produced = local.produced, produced != entry.uncompressedSize,
        !problems.contains(where: { $0.code == ProblemCode.sizeMismatch.rawValue })
      {
        let how = produced > entry.uncompressedSize ? "more" : "less"
        problems.append(
          Finding(
            .sizeMismatch,
            "\"\(name)\" unpacks to \(how) data than the zip declares for it (a sign of a zip bomb or a damaged zip).",
            file: name))
      }
    }
    // A link in the stream is listed once even when the table of contents says so too.
    entries.removeAll { entry in
      problems.contains { $0.file == entry.path && $0.code == ProblemCode.linkEntry.rawValue }
    }
  }

  /// Detects each file's format from its bytes and reads its properties.
  private func classifyEntries() {
    for index in entries.indices {
      let path = entries[index].path
      let ext = fileExtension(path)
      let type = FileTypeDetector.detect(head: entries[index].head, fileExtension: ext)
      entries[index].type = type
      if entries[index].file.size == 0 {
        warnings.append(Finding(.emptyFile, "\"\(path)\" is empty.", file: path))
      }
      switch type.family {
      case .archive:
        problems.append(
          Finding(
            .nestedArchive,
            "\"\(path)\" is itself an archive (\(type.mediaType)); please put its files directly in the zip.",
            file: path))
        continue
      case .executable:
        problems.append(
          Finding(.executable, "\"\(path)\" is a program or script, which the call does not accept.", file: path))
        continue
      case .svg:
        problems.append(
          Finding(
            .svgNotAllowed, "\"\(path)\" is an SVG image, which can carry scripts; please send it as PNG or PDF.",
            file: path))
        continue
      case .html:
        problems.append(
          Finding(
            .htmlNotAllowed,
            "\"\(path)\" is an HTML page, which can carry scripts; please send a PDF, or a link the organisers have cleared.",
            file: path))
        continue
      default: break
      }
      if let expected = FileTypeDetector.expectedTypes(forExtension: ext), !expected.contains(type.mediaType),
        !(type.family == .text && entries[index].file.size == 0)
      {
        let actual = type == .unknown ? "an unrecognised format" : type.mediaType
        problems.append(
          Finding(
            .typeMismatch,
            "\"\(path)\" is named .\(ext) but its content is \(actual); please save it in the format its name says.",
            file: path))
        continue
      }
      guard FileTypeDetector.isAllowed(type, fileExtension: ext) else {
        problems.append(
          Finding(
            .formatNotAllowed,
            "\"\(path)\" is in a format the call does not accept; send images, audio, video, PDF or plain text.",
            file: path))
        continue
      }
      guard let file = RandomAccessFile(path: entries[index].file.url.path) else { continue }
      let properties = MediaInspector.properties(of: file, type: type)
      entries[index].properties = properties
      if type.family == .image {
        if let w = properties.width, let h = properties.height {
          if w * h > limits.maxPixels {
            problems.append(
              Finding(
                .imageTooLarge,
                "\"\(path)\" is \(w) × \(h) pixels; the call allows at most \(limits.maxPixels / 1_000_000) megapixels.",
                file: path))
          }
        } else {
          warnings.append(Finding(.pixelSizeUnknown, "Salon could not read the pixel size of \"\(path)\".", file: path))
        }
      }
    }
  }
}

/// The extension after the last dot of the last path component, trimmed ("x_main .PNG " → "PNG").
func fileExtension(_ path: String) -> String {
  let base = path.split(separator: "/").last.map(String.init) ?? path
  guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return "" }
  return base[base.index(after: dot)...].trimmingCharacters(in: .whitespaces)
}

/// A name with control and direction characters made visible, safe to print in a message.
func printable(_ name: String) -> String {
  var out = ""
  for scalar in name.unicodeScalars {
    if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || EntryName.bidiControls.contains(scalar.value) {
      out += String(format: "\\u{%04X}", scalar.value)
    } else {
      out.unicodeScalars.append(scalar)
    }
  }
  return out.count > 200 ? String(out.prefix(200)) + "…" : out
}
