/// Escaping for HTML: every artist-provided string passes through here before it reaches a page.
package enum HTMLText {
  /// Text safe in element content and in quoted attribute values.
  package static func escape(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&#39;"
      case "`": out += "&#96;"
      default:
        // Control characters (except tab and newlines) have no place in a page.
        if scalar.value < 0x20 && scalar != "\n" && scalar != "\t" && scalar != "\r" { continue }
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  /// The start of a self-contained page Salon writes outside the theme (a scoring sheet, a letter
  /// to an artist), up to and including `<body>`: UTF-8, mobile viewport, no referrer, and the
  /// page's own Content-Security-Policy (Salon's own text, not escaped). `title` is escaped here;
  /// `head` lines (a `<style>`, a robots rule) follow the title as they are.
  package static func pageStart(title: String, csp: String, head: [String] = []) -> String {
    ([
      "<!DOCTYPE html>", "<html lang=\"en\">", "<head>", "<meta charset=\"utf-8\">",
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
      "<meta http-equiv=\"Content-Security-Policy\" content=\"\(csp)\">",
      "<meta name=\"referrer\" content=\"no-referrer\">", "<title>\(escape(title))</title>",
    ]
      + head + ["</head>", "<body>"]).joined(separator: "\n")
  }

  /// JSON text made safe inside a `<script>` element: no `<` can close it.
  package static func scriptSafeJSON(_ json: String) -> String {
    json.replacingOccurrences(of: "<", with: "\\u003c").replacingOccurrences(of: ">", with: "\\u003e")
      .replacingOccurrences(of: "&", with: "\\u0026").replacingOccurrences(of: "\u{2028}", with: "\\u2028")
      .replacingOccurrences(of: "\u{2029}", with: "\\u2029")
  }

  /// The URL when it is an absolute http(s) link, else nil: only those are ever emitted.
  package static func safeLink(_ text: String?) -> String? {
    guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
    let lower = text.lowercased()
    guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else { return nil }
    guard
      !text.unicodeScalars.contains(where: { $0.value < 0x21 || $0 == "\"" || $0 == "<" || $0 == ">" || $0 == "\\" })
    else { return nil }
    guard text.count > (lower.hasPrefix("https://") ? 8 : 7) else { return nil }
    return text
  }
}
