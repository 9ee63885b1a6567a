/// Text from submissions (titles, file and zip names, comments) as it may be shown on the
/// organiser's terminal: control characters and bidirectional overrides, which could move the
/// cursor, retitle the window or reorder what is read, are shown as `\u{1B}`-style escapes; so are
/// format characters such as the zero-width space, which would print "Ada O\u{200B}kafor" as
/// "Ada Okafor" and hide why it is not the juror's name.
package enum TerminalText {
  package static func visible(_ text: String) -> String {
    guard text.unicodeScalars.contains(where: { isHidden($0) || LookAlike.isFormat($0) }) else { return text }
    var result = ""
    var previous: Unicode.Scalar?
    for scalar in text.unicodeScalars {
      defer { previous = scalar }
      // A joiner inside an emoji sequence ("👩‍🎨") draws one picture; anywhere else it hides.
      let emojiJoiner =
        scalar == "\u{200D}"
        && previous.map { $0 == "\u{FE0F}" || ($0.properties.isEmoji && $0.value > 0xFF) } == true
      if isHidden(scalar) || (LookAlike.isFormat(scalar) && !emojiJoiner) {
        result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
      } else {
        result.unicodeScalars.append(scalar)
      }
    }
    return result
  }

  static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x00...0x1F, 0x7F...0x9F: return true  // C0, DEL and C1 controls (ESC, BEL, CSI, OSC…)
    case 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x061C: return true  // bidi marks and overrides
    case 0x2028, 0x2029: return true  // line and paragraph separators
    default: return false
    }
  }
}
