import Foundation

/// An RFC 4180 reader: quoted fields with embedded commas, quotes and newlines, CRLF or LF.
/// Files are UTF-8 (with or without a byte-order mark) or UTF-16 with its byte-order mark;
/// anything else, or a NUL, is refused. Errors name the line (and byte) where the problem starts.
public enum CSVReader {
  public struct Record: Equatable, Sendable {
    package var fields: [String]
    /// The line the record starts on (1-based), for messages.
    public var line: Int
  }

  package struct Malformed: Error, Equatable, CustomStringConvertible {
    public var line: Int
    package var reason: String
    /// The offending byte (1-based, from the start of the file) when the problem is the encoding.
    package var byte: Int?
    package init(line: Int, reason: String, byte: Int? = nil) {
      self.line = line
      self.reason = reason
      self.byte = byte
    }
    package var description: String { "Line \(line) of the form export is malformed: \(reason)." }
  }

  /// What separates fields: a comma, or the semicolon Excel writes in many locales, or a tab.
  public enum Delimiter: String, CaseIterable, Sendable {
    case comma, semicolon, tab
    package var scalar: Unicode.Scalar {
      switch self {
      case .comma: return ","
      case .semicolon: return ";"
      case .tab: return "\t"
      }
    }
    /// As `--delimiter` takes it: the name or the character itself (`\t` for a tab).
    package init?(typed: String) {
      switch typed.lowercased() {
      case "comma", ",": self = .comma
      case "semicolon", ";": self = .semicolon
      case "tab", "\t", "\\t": self = .tab
      default: return nil
      }
    }
  }

  /// The delimiter of a file's header line: whichever of comma, semicolon and tab appears most
  /// often outside quotes (a comma when none does, or on a tie).
  package static func detectDelimiter(in text: String) -> Delimiter {
    var counts: [Delimiter: Int] = [:]
    var inQuotes = false
    for scalar in text.unicodeScalars {
      if scalar == "\"" { inQuotes.toggle() }
      if inQuotes { continue }
      if scalar == "\n" || scalar == "\r" { break }
      if let delimiter = Delimiter.allCases.first(where: { $0.scalar == scalar }) { counts[delimiter, default: 0] += 1 }
    }
    var best = Delimiter.comma
    for candidate in Delimiter.allCases where counts[candidate, default: 0] > counts[best, default: 0] {
      best = candidate
    }
    return best
  }

  public static func records(from data: Data, delimiter: Delimiter = .comma) throws -> [Record] {
    try records(from: text(of: data), delimiter: delimiter)
  }

  /// The file's text: UTF-8, with or without a byte-order mark, or UTF-16 (either byte order) with
  /// its mark. Invalid bytes and NULs are refused rather than guessed at or silently dropped.
  package static func text(of data: Data) throws -> String {
    let bytes = [UInt8](data)
    var scalars = String.UnicodeScalarView()
    var line = 1
    func refuse(_ offset: Int, _ reason: String) -> Malformed {
      Malformed(line: line, reason: "byte \(offset + 1) \(reason)", byte: offset + 1)
    }
    func append(_ scalar: Unicode.Scalar, at offset: Int) throws {
      if scalar == "\0" {
        throw refuse(
          offset,
          "is a NUL, which text never holds (a UTF-16 file without its byte-order mark?); save the form export as CSV UTF-8"
        )
      }
      if scalar == "\n" { line += 1 }
      scalars.append(scalar)
    }
    if bytes.count >= 2 && (bytes[0], bytes[1]) == (0xFF, 0xFE)
      || bytes.count >= 2 && (bytes[0], bytes[1]) == (0xFE, 0xFF)
    {
      let little = bytes[0] == 0xFF
      func unit(_ i: Int) -> UInt32 {
        little ? UInt32(bytes[i]) | UInt32(bytes[i + 1]) << 8 : UInt32(bytes[i]) << 8 | UInt32(bytes[i + 1])
      }
      let notUTF16 = "is not UTF-16 text; save the form export as CSV UTF-8"
      var i = 2
      while i < bytes.count {
        guard i + 1 < bytes.count else { throw refuse(i, "is half of a UTF-16 character: the file is cut short") }
        var value = unit(i)
        var length = 2
        if (0xD800..<0xDC00).contains(value) {
          guard i + 3 < bytes.count, (0xDC00..<0xE000).contains(unit(i + 2)) else { throw refuse(i, notUTF16) }
          value = 0x10000 + ((value - 0xD800) << 10) + (unit(i + 2) - 0xDC00)
          length = 4
        }
        guard let scalar = Unicode.Scalar(value) else { throw refuse(i, notUTF16) }
        try append(scalar, at: i)
        i += length
      }
      return String(scalars)
    }
    let notUTF8 = "is not UTF-8 text; save the form export as CSV UTF-8 (or UTF-16 with its byte-order mark)"
    var i = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    while i < bytes.count {
      let lead = bytes[i]
      let length: Int
      var value: UInt32
      switch lead {
      case 0..<0x80: (length, value) = (1, UInt32(lead))
      case 0xC2...0xDF: (length, value) = (2, UInt32(lead & 0x1F))
      case 0xE0...0xEF: (length, value) = (3, UInt32(lead & 0x0F))
      case 0xF0...0xF4: (length, value) = (4, UInt32(lead & 0x07))
      default: throw refuse(i, notUTF8)
      }
      guard i + length <= bytes.count else { throw refuse(i, notUTF8) }
      for k in 1..<length {
        let next = bytes[i + k]
        guard next & 0xC0 == 0x80 else { throw refuse(i, notUTF8) }
        value = value << 6 | UInt32(next & 0x3F)
      }
      // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
      let smallest: UInt32 = [0, 0, 0x80, 0x800, 0x10000][length]
      guard value >= smallest, let scalar = Unicode.Scalar(value) else { throw refuse(i, notUTF8) }
      try append(scalar, at: i)
      i += length
    }
    return String(scalars)
  }

  public static func records(from text: String, delimiter: Delimiter = .comma) throws -> [Record] {
    let separator = delimiter.scalar
    var records: [Record] = []
    var fields: [String] = []
    var field = ""
    var line = 1
    var recordLine = 1
    var inQuotes = false
    var quotedFieldEnded = false
    var quoteLine = 1
    var scalars = text.unicodeScalars.makeIterator()
    var pending: Unicode.Scalar? = scalars.next()

    func endField() {
      fields.append(field)
      field = ""
      quotedFieldEnded = false
    }
    func endRecord() {
      endField()
      // A line with nothing on it is not a record.
      if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(fields: fields, line: recordLine)) }
      fields = []
    }

    while let scalar = pending {
      pending = scalars.next()
      if inQuotes {
        if scalar == "\"" {
          if pending == "\"" {
            field.unicodeScalars.append("\"")
            pending = scalars.next()
          } else {
            inQuotes = false
            quotedFieldEnded = true
          }
        } else {
          if scalar == "\n" { line += 1 }
          field.unicodeScalars.append(scalar)
        }
        continue
      }
      switch scalar {
      case separator:
        endField()
      case "\r":
        if pending == "\n" { pending = scalars.next() }
        endRecord()
        line += 1
        recordLine = line
      case "\n":
        endRecord()
        line += 1
        recordLine = line
      case "\"":
        guard field.isEmpty && !quotedFieldEnded else {
          throw Malformed(line: line, reason: "a quote mark appears inside a field that is not quoted")
        }
        inQuotes = true
        quoteLine = line
      default:
        if quotedFieldEnded {
          throw Malformed(line: line, reason: "text follows the closing quote of a field")
        }
        field.unicodeScalars.append(scalar)
      }
    }
    if inQuotes { throw Malformed(line: quoteLine, reason: "a quoted field is never closed") }
    if !field.isEmpty || !fields.isEmpty || quotedFieldEnded { endRecord() }
    return records
  }
}
