import Foundation

/// A file the organiser names for Salon to read (a form export, a scoring sheet, a decisions
/// file). Only a regular file is read: a pipe or a device named by mistake (or a link to one)
/// would hang Salon or fill its memory, and a folder is no file at all.
package enum InputFile {
  package enum Refusal: Error, Equatable {
    case unreadable
    case notARegularFile
    case tooLarge(limit: Int)
  }

  /// Forms and sheets are text: a gigabyte is far beyond any real one.
  package static let defaultLimit = 1 << 30

  /// The file's bytes; `followingLinks: false` refuses a link too, for files Salon wrote itself
  /// in a folder others may change (an export's manifest).
  package static func read(_ path: String, limit: Int = defaultLimit, followingLinks: Bool = true) throws(Refusal)
    -> Data
  {
    // Non-blocking, so that opening a pipe with no writer returns at once instead of waiting.
    let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | (followingLinks ? 0 : O_NOFOLLOW))
    guard fd >= 0 else { throw .unreadable }
    let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    var status = stat()
    guard fstat(fd, &status) == 0 else { throw .unreadable }
    guard status.st_mode & S_IFMT == S_IFREG else { throw .notARegularFile }
    guard status.st_size <= limit else { throw .tooLarge(limit: limit) }
    // Bounded even if the file grows while it is read.
    guard let data = try? handle.read(upToCount: limit + 1) else { throw .unreadable }
    guard data.count <= limit else { throw .tooLarge(limit: limit) }
    return data
  }

  /// One sentence for the organiser, naming what the file was meant to be ("the form export").
  package static func sentence(_ refusal: Refusal, path: String, what: String) -> String {
    switch refusal {
    case .unreadable: return "Salon cannot read \(what) \(path)."
    case .notARegularFile:
      return "\(path) is a folder, a device or a pipe, not an ordinary file; Salon reads \(what) only from a file."
    case .tooLarge(let limit):
      return "\(path) is larger than \(limit >> 20) MB; Salon does not read \(what) that large."
    }
  }
}
