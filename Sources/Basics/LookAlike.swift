import Foundation

/// Names and emails as they look, for finding conflicts of interest: an artist cannot slip past
/// a juror's name with a zero-width space ("Ada O\u{200B}kafor"), a Cyrillic "а", full-width
/// letters or a `+tag` in an address. The one place this reading is defined.
package enum LookAlike {
  /// The text as compared for a conflict: NFKC, format characters (zero-width spaces, joiners,
  /// bidi marks, soft hyphens) removed, case folded, each letter of another script replaced by
  /// the Latin letters Unicode's confusables data says it passes for (Cyrillic "а" → "a"), accents
  /// dropped. ASCII stays as written: "Mara" is "mara". For comparison only, never shown.
  package static func folded(_ text: String) -> String { reading(text, asciiLookAlikes: false) }

  /// Unicode's confusable skeleton of `folded`: ASCII look-alikes mapped too ("rn" and "m",
  /// "1" and "l", "0" and "o"), which real names can share by chance, so a match is only a check.
  package static func skeleton(_ text: String) -> String { reading(text, asciiLookAlikes: true) }

  /// The characters that make the text look like something else: format characters and letters
  /// of another script the table maps to Latin, each as "U+0430 CYRILLIC SMALL LETTER A".
  package static func disguises(_ text: String) -> [String] {
    var seen = Set<UInt32>()
    var found: [String] = []
    for scalar in text.unicodeScalars where scalar.value >= 0x80 && seen.insert(scalar.value).inserted {
      let latin = scalar.properties.name?.hasPrefix("LATIN ") == true  // "Ł" is a letter of its own
      let compatible = String(scalar).precomposedStringWithCompatibilityMapping != String(scalar)  // full-width "Ａ"
      guard isFormat(scalar) || ((confusables[scalar.value] != nil || compatible) && !latin) else { continue }
      let hex = String(scalar.value, radix: 16, uppercase: true)
      found.append(
        "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
          + (scalar.properties.name.map { " " + $0 } ?? ""))
    }
    return found
  }

  private static func reading(_ text: String, asciiLookAlikes: Bool) -> String {
    var mapped = String.UnicodeScalarView()
    // Most names and addresses are ASCII, which NFKC and the accent folding leave as they are:
    // the same result without Foundation's Unicode passes, for a call of 100,000 works.
    if text.utf8.allSatisfy({ $0 < 0x80 }) {
      guard asciiLookAlikes else { return text.lowercased() }
      for scalar in text.lowercased().unicodeScalars {
        mapped.append(contentsOf: confusables[scalar.value]?.unicodeScalars ?? String(scalar).unicodeScalars)
      }
      return String(mapped).lowercased()
    }
    for scalar in normalised(text).lowercased().unicodeScalars {
      if asciiLookAlikes || scalar.value >= 0x80, let target = confusables[scalar.value] {
        mapped.append(contentsOf: target.unicodeScalars)
      } else {
        mapped.append(scalar)
      }
    }
    return String(mapped).folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil)
  }

  /// An email address as compared: folded as names are, and without a `+tag`
  /// ("ada.okafor+art@…" reaches the same mailbox as "ada.okafor@…"). Empty when the text is
  /// not an address.
  package static func email(_ text: String) -> String {
    let address = folded(text.trimmingCharacters(in: .whitespacesAndNewlines))
    guard let at = address.lastIndex(of: "@") else { return "" }
    var local = address[..<at]
    if let plus = local.firstIndex(of: "+"), plus != local.startIndex { local = local[..<plus] }
    return String(local + address[at...])
  }

  /// A Gmail address as Google delivers it: dots in the name ignored and googlemail.com the same
  /// as gmail.com. Nil for other providers, whose dots may matter. Only ever a "check": the
  /// rule is Google's, and other providers may route the same spelling elsewhere.
  package static func gmailMailbox(_ comparableEmail: String) -> String? {
    guard let at = comparableEmail.lastIndex(of: "@") else { return nil }
    let domain = comparableEmail[comparableEmail.index(after: at)...]
    guard domain == "gmail.com" || domain == "googlemail.com" else { return nil }
    return comparableEmail[..<at].replacingOccurrences(of: ".", with: "") + "@gmail.com"
  }

  /// Whether a scalar is a format character (General_Category Cf: U+200B zero-width space,
  /// U+200D joiner, U+00AD soft hyphen, bidi marks, tag characters…), invisible when printed.
  package static func isFormat(_ scalar: Unicode.Scalar) -> Bool {
    scalar.properties.generalCategory == .format
  }

  /// NFKC without format characters: what is seen, in one spelling.
  package static func normalised(_ text: String) -> String {
    var kept = String.UnicodeScalarView()
    kept.append(contentsOf: text.precomposedStringWithCompatibilityMapping.unicodeScalars.filter { !isFormat($0) })
    return String(kept)
  }

  /// ConfusableTable.swift read once: hex SOURCE=TARGET pairs separated by spaces and lines.
  private static let confusables: [UInt32: String] = {
    var table: [UInt32: String] = [:]
    for token in confusableTable.split(whereSeparator: \.isWhitespace) {
      let parts = token.split(separator: "=")
      guard parts.count == 2, let source = UInt32(parts[0], radix: 16) else { continue }
      var target = String.UnicodeScalarView()
      for hex in parts[1].split(separator: ",") {
        if let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value) { target.append(scalar) }
      }
      table[source] = String(target)
    }
    return table
  }()
}
