import Foundation

/// The opening lines of a text work, for its card in the gallery: read at ingest by the confined
/// worker (`salon media-worker text-opening`), never by Salon's own process, and recorded with the
/// file's facts (`RecordedFacts.opening`). The worker reads at most `byteLimit` bytes of its one
/// descriptor, checks they are UTF-8, and keeps the first `maxLines` lines and `maxCharacters`
/// characters with their whitespace tidied (`OpeningLines.tidy`). Nil when the file is not UTF-8
/// or holds no words: the card then shows the work's title.
package struct TextOpening: ImageJob {
  package typealias Result = OpeningLines
  package static let name = "text-opening"
  package var maxCharacters: Int
  package var maxLines: Int

  package init(maxCharacters: Int = OpeningLines.characterLimit, maxLines: Int = OpeningLines.lineLimit) {
    self.maxCharacters = min(max(maxCharacters, 1), OpeningLines.characterLimit)
    self.maxLines = min(max(maxLines, 1), OpeningLines.lineLimit)
  }

  package var options: [String: String] {
    ["max-characters": String(maxCharacters), "max-lines": String(maxLines)]
  }

  package init(options: [String: String]) throws {
    self.init(
      maxCharacters: try ImageWorker.number("max-characters", in: options),
      maxLines: try ImageWorker.number("max-lines", in: options))
  }

  /// Enough bytes for a few lines after any run of blank lines or spaces at the start; the rest
  /// of the file is never read.
  package static let byteLimit = 64 * 1024

  /// The worker's side: the opening of the bytes at `path` (its descriptor), or an empty one.
  package func read(_ path: String) throws -> OpeningLines {
    guard let handle = FileHandle(forReadingAtPath: path) else { throw ImageError.unreadable(detail: "no input") }
    defer { try? handle.close() }
    let head = [UInt8]((try handle.read(upToCount: Self.byteLimit)) ?? Data())
    return OpeningLines(
      utf8: head, cutShort: head.count == Self.byteLimit, maxCharacters: maxCharacters, maxLines: maxLines)
  }
}

/// A text work's first lines, tidied: what its card shows, escaped by the template.
package struct OpeningLines: Codable, Equatable, Sendable {
  /// The lines, joined by `\n`; a blank line between stanzas kept as one. Empty when the file is
  /// not UTF-8 or has no words.
  package var text: String
  /// More of the text follows what is kept.
  package var continues: Bool

  package static let characterLimit = 400
  package static let lineLimit = 12

  package init(text: String, continues: Bool) {
    self.text = text
    self.continues = continues
  }

  /// Reads `bytes` (the first bytes of a file, `cutShort` when it goes on) as UTF-8: a sequence
  /// cut at the end of a short read is dropped, anything else that is not UTF-8 gives no lines.
  package init(utf8 bytes: [UInt8], cutShort: Bool, maxCharacters: Int, maxLines: Int) {
    // By indices, in a static function: Swift 6.3's optimiser crashed on this initialiser when
    // it trimmed an ArraySlice with `dropLast` in a `while let` (a release build stopped at it).
    self = Self.read(utf8: bytes, cutShort: cutShort, maxCharacters: maxCharacters, maxLines: maxLines)
  }

  private static func read(utf8 bytes: [UInt8], cutShort: Bool, maxCharacters: Int, maxLines: Int) -> OpeningLines {
    let start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    var end = bytes.count
    if cutShort {
      // The start of a character whose other bytes were not read (its lead byte says how many
      // it has): dropped. Anything else that is not UTF-8 is caught below.
      var back = 0
      while back < 3, end - back - 1 >= start, bytes[end - back - 1] & 0xC0 == 0x80 { back += 1 }
      if end - back - 1 >= start, bytes[end - back - 1] >= 0xC0 {
        let lead = bytes[end - back - 1]
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
        if back + 1 < length { end -= back + 1 }
      }
    }
    guard let decoded = String(validating: bytes[start..<end], as: UTF8.self) else {
      return OpeningLines(text: "", continues: false)
    }
    return tidy(decoded, cutShort: cutShort, maxCharacters: maxCharacters, maxLines: maxLines)
  }

  /// Line endings as `\n`; controls, bidirectional overrides and invisible format characters
  /// out; runs of spaces and tabs as one space; each line trimmed; blank lines at the start out
  /// and runs of them as one (a stanza break); then the first `maxLines` lines, cut at
  /// `maxCharacters` at a word's end with "…". Run again on the worker's reply by Salon, which
  /// trusts nothing it says.
  package static func tidy(_ text: String, cutShort: Bool = false, maxCharacters: Int, maxLines: Int)
    -> OpeningLines
  {
    // (One more than the limit: a reply already cut carries its "…".)
    let maxCharacters = min(max(maxCharacters, 1), characterLimit + 1)
    let maxLines = min(max(maxLines, 1), lineLimit)
    var lines: [String] = []
    var continues = cutShort
    var line = ""
    var count = 0
    func endLine() -> Bool {
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      line = ""
      if trimmed.isEmpty {
        // A stanza break, once, and never first.
        if let last = lines.last, !last.isEmpty { lines.append("") }
      } else {
        lines.append(trimmed)
        count += trimmed.count + 1
      }
      return lines.filter { !$0.isEmpty }.count < maxLines && count < maxCharacters
    }
    let scalars = Array(text.unicodeScalars)
    var stoppedAt: Int?
    for (index, scalar) in scalars.enumerated() {
      if scalar == "\n" || scalar == "\r" || scalar == "\u{2028}" || scalar == "\u{2029}" {
        // "\r\n" is one line end.
        if scalar == "\n", index > 0, scalars[index - 1] == "\r" { continue }
        if !endLine() {
          stoppedAt = index
          break
        }
        continue
      }
      if scalar == "\t" || scalar.properties.isWhitespace {
        if !line.isEmpty, line.last != " " { line.append(" ") }
        continue
      }
      if isHidden(scalar) { continue }
      line.unicodeScalars.append(scalar)
    }
    if let stoppedAt {
      // Words after the lines kept, not only blank lines.
      continues =
        continues || scalars[(stoppedAt + 1)...].contains { !$0.properties.isWhitespace && !isHidden($0) }
    } else if !line.isEmpty {
      _ = endLine()
    }
    while lines.last == "" { lines.removeLast() }
    var joined = lines.joined(separator: "\n")
    if joined.count > maxCharacters {
      var cut = String(joined.prefix(maxCharacters))
      // At a word's end, unless one word fills the whole limit.
      if let space = cut.lastIndex(where: { $0 == " " || $0 == "\n" }),
        cut.distance(from: cut.startIndex, to: space) > 0
      {
        cut = String(cut[..<space])
      }
      joined = cut.trimmingCharacters(in: .whitespacesAndNewlines) + "…"
      continues = true
    }
    return OpeningLines(text: joined, continues: continues)
  }

  /// Characters that draw nothing or reorder what is read: C0 and C1 controls, bidirectional
  /// marks, overrides and isolates, zero-width and other format characters (a joiner inside an
  /// emoji is kept), the byte-order mark.
  static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00...0x1F, 0x7F...0x9F: return true
    case 0x200D: return false
    // Variation selectors, the grapheme joiner, Hangul fillers and the blank braille pattern draw
    // nothing either, and can hide bytes in what looks like an ordinary line.
    case 0xFE00...0xFE0F, 0xE0100...0xE01EF, 0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800: return true
    default:
      switch scalar.properties.generalCategory {
      case .format, .privateUse, .unassigned, .surrogate: return true
      default: return false
      }
    }
  }
}
