import Foundation

/// Names safe in a URL, a file name and a command line, made from what people typed.
public enum Slug {
  /// Lowercase ASCII letters and digits, runs of anything else as one hyphen, accents folded
  /// ("Ann Lée" → "ann-lee"); `fallback` when nothing is left. `limit` cuts long names short.
  public static func make(_ text: String, fallback: String, limit: Int = .max) -> String {
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
public enum NaturalOrder {
  public static func precedes(_ a: String, _ b: String) -> Bool {
    switch a.localizedStandardCompare(b) {
    case .orderedAscending: return true
    case .orderedDescending: return false
    case .orderedSame: return a < b
    }
  }
}
