import Foundation

/// Names safe in a URL, a file name and a command line, made from what people typed.
package enum Slug {
  /// Lowercase ASCII letters and digits, runs of anything else as one hyphen, accents folded
  /// ("Ann Lée" → "ann-lee"); `fallback` when nothing is left. `limit` cuts long names short.
  package static func make(_ text: String, fallback: String, limit: Int = .max) -> String {
    let folded = text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
    var out = ""
    var length = 0
    for c in folded where length < limit {
      if c.isASCII && (c.isLetter || c.isNumber) {
        out.append(c)
        length += 1
      } else if !out.isEmpty && !out.hasSuffix("-") {
        out.append("-")
        length += 1
      }
    }
    while out.hasSuffix("-") { out.removeLast() }
    return out.isEmpty ? fallback : out
  }
}

/// Ids as people count them: 1, 2, …, 10, not 1, 10, 2; letters ignore case.
package enum NaturalOrder {
  package static func precedes(_ a: String, _ b: String) -> Bool {
    if let x = plainNumber(a), let y = plainNumber(b) { return x < y }
    switch a.localizedStandardCompare(b) {
    case .orderedAscending: return true
    case .orderedDescending: return false
    case .orderedSame: return a < b
    }
  }

  /// `a.localizedStandardCompare(b) == .orderedAscending`, quickly for ids of plain digits.
  package static func ascending(_ a: String, _ b: String) -> Bool {
    if let x = plainNumber(a), let y = plainNumber(b) { return x < y }
    return a.localizedStandardCompare(b) == .orderedAscending
  }

  /// A form's paper ids are mostly plain numbers (no sign, no leading zero, at most 18 digits):
  /// those compare as numbers, as the locale-aware comparison orders them, without its cost
  /// (a tenth of the standings of a large call).
  static func plainNumber(_ text: String) -> Int? {
    let utf8 = text.utf8
    guard (1...18).contains(utf8.count), utf8.first != UInt8(ascii: "0") || utf8.count == 1 else { return nil }
    var value = 0
    for byte in utf8 {
      guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
      value = value * 10 + Int(byte - UInt8(ascii: "0"))
    }
    return value
  }
}
