import Basics
import Catalog

/// Compares the zip's table of contents (its central directory) with what the stream showed:
/// links, devices, encryption and size lies that only the table records, names written with
/// backslashes, entries the stream never showed, and bytes shared by several entries.
struct ZipReconciliation {
  let limits: Limits
  let cancellation: Cancellation

  /// Adds what the table of contents reveals to `findings`, and drops from `entries` the files
  /// it shows to be unsafe or links.
  func check(
    zipCopy: String, streamed: [ZipStream.Streamed], entries: inout [ZipStream.Entry], findings: inout ZipFindings
  ) throws {
    // A zip cut short has no table of contents to compare; saying so again would add nothing.
    if findings.has(.zipTruncated) { return }
    let streamFailed = findings.has(.zipCorrupt)
    guard let file = RandomAccessFile(path: zipCopy) else { return }
    let directory: CentralDirectory
    do {
      directory = try CentralDirectory.read(file, maximumEntries: limits.maxEntries, cancellation: cancellation)
    } catch CentralDirectory.Failure.missing {
      // libarchive stops with no useful message at the end of a zip with no table of contents.
      findings.remove(.zipCorrupt)
      findings.add(.centralDirectoryMissing)
      return
    } catch CentralDirectory.Failure.overlapping(let a, let b) {
      findings.add(.overlappingEntries(a, b))
      return
    } catch CentralDirectory.Failure.inconsistent(let reason) {
      if !streamFailed { findings.add(.centralDirectoryInconsistent(reason: reason)) }
      return
    }
    if streamFailed { return }
    // libarchive turns backslashes into slashes; the table of contents keeps the name as written.
    for entry in directory.entries {
      if Self.isComparable(entry), let reason = EntryName.unsafeReason(entry.name),
        !findings.has(.unsafeName, file: printable(entry.name))
      {
        findings.add(.unsafeName(entry.name, reason: reason))
        let key = EntryName.comparisonKey(entry.name.replacingOccurrences(of: "\\", with: "/"))
        entries.removeAll { EntryName.comparisonKey($0.path) == key }
      }
    }
    let files = directory.entries.filter { !$0.name.hasSuffix("/") }.sorted {
      $0.localHeaderOffset < $1.localHeaderOffset
    }
    if findings.has(.tooManyEntries) { return }
    guard files.count == streamed.count else {
      findings.add(.centralDirectoryCount(listed: files.count, held: streamed.count))
      return
    }
    for (entry, local) in zip(files, streamed) {
      let writtenName = entry.name.replacingOccurrences(of: "\\", with: "/")
      if Self.isComparable(entry) && EntryName.comparisonKey(writtenName) != EntryName.comparisonKey(local.path) {
        findings.add(.centralDirectoryName(listed: entry.name, held: local.path))
        return
      }
      let name = local.path
      switch entry.unixFileType {
      case 0xA000 where !findings.hasProblem(file: name): findings.add(.linkEntry(name))
      case 0x1000, 0x2000, 0x6000, 0xC000: findings.add(.specialEntry(name))
      default: break
      }
      if entry.isEncrypted && !findings.has(.encryptedEntry) { findings.add(.encryptedEntry(name)) }
      if let produced = local.produced, produced != entry.uncompressedSize, !findings.has(.sizeMismatch) {
        findings.add(.sizeMismatch(name, unpacksToMore: produced > entry.uncompressedSize))
      }
    }
    // A link in the stream is listed once even when the table of contents says so too.
    entries.removeAll { findings.has(.linkEntry, file: $0.path) }
  }

  /// Names are compared only when both sides decode them alike: UTF-8 flagged, or plain ASCII.
  static func isComparable(_ entry: CentralDirectory.Entry) -> Bool {
    entry.flags & 0x800 != 0 || entry.nameBytes.allSatisfy { $0 < 0x80 }
  }
}
