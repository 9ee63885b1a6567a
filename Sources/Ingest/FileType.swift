import Foundation

/// What kind of content a file holds, judged by its bytes.
enum ContentFamily: Equatable, Sendable {
  case image, audio, video, pdf, text, svg, html, archive, executable, unknown
}

/// A detected format: a media type and its family.
struct DetectedType: Equatable, Sendable {
  var mediaType: String
  var family: ContentFamily

  static let unknown = DetectedType(mediaType: "application/octet-stream", family: .unknown)
}

/// Formats by magic bytes. The extension never decides a type; it is only checked against it.
enum FileTypeDetector {
  /// How many leading bytes detection needs.
  static let headLength = 4096

  static func detect(head: [UInt8], fileExtension: String) -> DetectedType {
    let ext = fileExtension.lowercased()
    func starts(_ magic: [UInt8], at offset: Int = 0) -> Bool {
      head.count >= offset + magic.count && Array(head[offset..<offset + magic.count]) == magic
    }
    func ascii(_ text: String, at offset: Int = 0) -> Bool { starts(Array(text.utf8), at: offset) }

    if starts([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) {
      return .init(mediaType: "image/png", family: .image)
    }
    if starts([0xFF, 0xD8, 0xFF]) { return .init(mediaType: "image/jpeg", family: .image) }
    if ascii("GIF87a") || ascii("GIF89a") { return .init(mediaType: "image/gif", family: .image) }
    if ascii("RIFF") && ascii("WEBP", at: 8) { return .init(mediaType: "image/webp", family: .image) }
    if ascii("RIFF") && ascii("WAVE", at: 8) { return .init(mediaType: "audio/wav", family: .audio) }
    if ascii("RIFF") && ascii("AVI ", at: 8) { return .init(mediaType: "video/x-msvideo", family: .video) }
    if starts([0x49, 0x49, 0x2A, 0x00]) || starts([0x4D, 0x4D, 0x00, 0x2A]) {
      return .init(mediaType: "image/tiff", family: .image)
    }
    if ascii("BM") && head.count > 18 && [12, 40, 52, 56, 108, 124].contains(Int(head[14])) && head[15] == 0 {
      return .init(mediaType: "image/bmp", family: .image)
    }
    if ascii("FORM") && (ascii("AIFF", at: 8) || ascii("AIFC", at: 8)) {
      return .init(mediaType: "audio/aiff", family: .audio)
    }
    // MPEG transport stream: a sync byte every 188 bytes (192 in a camera's M2TS).
    for (start, stride) in [(0, 188), (4, 192)]
    where head.count > start + 2 * stride && (0..<3).allSatisfy({ head[start + $0 * stride] == 0x47 }) {
      return .init(mediaType: "video/mp2t", family: .video)
    }
    if starts([0x00, 0x00, 0x01, 0xBA]) { return .init(mediaType: "video/mpeg", family: .video) }
    if ascii("fLaC") { return .init(mediaType: "audio/flac", family: .audio) }
    if ascii("OggS") { return .init(mediaType: "audio/ogg", family: .audio) }
    if ascii("ID3") { return .init(mediaType: "audio/mpeg", family: .audio) }
    if ascii("ftyp", at: 4) {
      let brand = head.count >= 12 ? String(decoding: head[8..<12], as: UTF8.self) : ""
      switch brand {
      case "heic", "heix", "heim", "heis", "mif1", "msf1": return .init(mediaType: "image/heic", family: .image)
      case "avif", "avis": return .init(mediaType: "image/avif", family: .image)
      case "M4A ", "M4B ": return .init(mediaType: "audio/mp4", family: .audio)
      case "qt  ": return .init(mediaType: "video/quicktime", family: .video)
      default: return .init(mediaType: "video/mp4", family: .video)
      }
    }
    if ascii("moov", at: 4) || ascii("mdat", at: 4) || ascii("wide", at: 4) || ascii("free", at: 4) {
      return .init(mediaType: "video/quicktime", family: .video)
    }
    if starts([0x1A, 0x45, 0xDF, 0xA3]) {
      let isWebM = head.count > 8 && findBytes(Array("webm".utf8), in: head) != nil
      return .init(mediaType: isWebM ? "video/webm" : "video/x-matroska", family: .video)
    }
    // MPEG audio frame sync (after JPEG, which also starts with 0xFF).
    if head.count >= 2 && head[0] == 0xFF && head[1] & 0xE0 == 0xE0 {
      return .init(mediaType: head[1] & 0x06 == 0 ? "audio/aac" : "audio/mpeg", family: .audio)
    }

    // Archives, checked before anything textual: nested archives are refused.
    if starts([0x50, 0x4B, 0x03, 0x04]) || starts([0x50, 0x4B, 0x05, 0x06]) || starts([0x50, 0x4B, 0x07, 0x08]) {
      return .init(mediaType: "application/zip", family: .archive)
    }
    if ascii("Rar!") { return .init(mediaType: "application/vnd.rar", family: .archive) }
    if starts([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) {
      return .init(mediaType: "application/x-7z-compressed", family: .archive)
    }
    if starts([0x1F, 0x8B]) { return .init(mediaType: "application/gzip", family: .archive) }
    if ascii("BZh") { return .init(mediaType: "application/x-bzip2", family: .archive) }
    if starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return .init(mediaType: "application/x-xz", family: .archive) }
    if starts([0x28, 0xB5, 0x2F, 0xFD]) { return .init(mediaType: "application/zstd", family: .archive) }
    if ascii("ustar", at: 257) { return .init(mediaType: "application/x-tar", family: .archive) }
    if ascii("MSCF") { return .init(mediaType: "application/vnd.ms-cab-compressed", family: .archive) }

    // Programs.
    if starts([0x7F, 0x45, 0x4C, 0x46]) { return .init(mediaType: "application/x-elf", family: .executable) }
    if ascii("MZ") { return .init(mediaType: "application/vnd.microsoft.portable-executable", family: .executable) }
    for magic: [UInt8] in [
      [0xFE, 0xED, 0xFA, 0xCE], [0xCE, 0xFA, 0xED, 0xFE], [0xFE, 0xED, 0xFA, 0xCF],
      [0xCF, 0xFA, 0xED, 0xFE], [0xCA, 0xFE, 0xBA, 0xBE],
    ] where starts(magic) {
      return .init(mediaType: "application/x-mach-binary", family: .executable)
    }
    if ascii("#!") { return .init(mediaType: "text/x-script", family: .executable) }
    if executableExtensions.contains(ext) { return .init(mediaType: "application/x-executable", family: .executable) }

    // Markup that can carry scripts.
    let lowered = String(decoding: head.prefix(1024), as: UTF8.self).lowercased()
    let trimmed = lowered.drop { $0 == "\u{FEFF}" || $0.isWhitespace }
    if ext == "svg" || ext == "svgz" || (trimmed.hasPrefix("<") && lowered.contains("<svg")) {
      return .init(mediaType: "image/svg+xml", family: .svg)
    }
    if ["html", "htm", "xhtml", "shtml", "mht", "mhtml"].contains(ext)
      || trimmed.hasPrefix("<!doctype html") || trimmed.hasPrefix("<html") || trimmed.hasPrefix("<head")
      || trimmed.hasPrefix("<script") || trimmed.hasPrefix("<body")
    {
      return .init(mediaType: "text/html", family: .html)
    }
    // After the markup checks, so an SVG or HTML page carrying `%PDF-` early stays what it is;
    // and only when nothing before the marker looks like markup.
    if let pdf = findBytes(Array("%PDF-".utf8), in: Array(head.prefix(1024))), !head[..<pdf].contains(UInt8(ascii: "<"))
    {
      return .init(mediaType: "application/pdf", family: .pdf)
    }
    if isText(head) { return .init(mediaType: "text/plain", family: .text) }
    return .unknown
  }

  /// Extensions of programs and scripts, refused whatever their content.
  static let executableExtensions: Set<String> = [
    "exe", "dll", "so", "dylib", "app", "sh", "bash", "zsh", "bat", "cmd", "com", "ps1", "vbs", "vbe",
    "wsf", "msi", "scr", "jar", "apk", "command", "elf", "bin", "run", "deb", "rpm", "pkg", "dmg",
  ]

  /// The media types an extension may hold; nil for extensions Salon has no expectation of.
  static func expectedTypes(forExtension ext: String) -> Set<String>? {
    switch ext.lowercased() {
    case "png": return ["image/png"]
    case "jpg", "jpeg", "jpe", "jfif": return ["image/jpeg"]
    case "gif": return ["image/gif"]
    case "webp": return ["image/webp"]
    case "tif", "tiff": return ["image/tiff"]
    case "bmp": return ["image/bmp"]
    case "heic", "heif": return ["image/heic"]
    case "avif": return ["image/avif"]
    case "wav", "wave": return ["audio/wav"]
    case "mp3": return ["audio/mpeg"]
    case "aac": return ["audio/aac", "audio/mpeg"]
    case "flac": return ["audio/flac"]
    case "aif", "aiff", "aifc": return ["audio/aiff"]
    case "ts", "mts", "m2ts": return ["video/mp2t"]
    case "mpg", "mpeg": return ["video/mpeg"]
    case "ogg", "oga", "opus": return ["audio/ogg"]
    case "m4a": return ["audio/mp4", "video/mp4"]
    case "mp4", "m4v": return ["video/mp4", "video/quicktime", "audio/mp4"]
    case "mov", "qt": return ["video/quicktime", "video/mp4"]
    case "webm": return ["video/webm", "video/x-matroska"]
    case "mkv": return ["video/x-matroska", "video/webm"]
    case "avi": return ["video/x-msvideo"]
    case "pdf": return ["application/pdf"]
    case "txt", "text", "md", "markdown": return ["text/plain"]
    default: return nil
    }
  }

  /// Families the call accepts (images, audio, video, PDF, plain text).
  static func isAllowed(_ type: DetectedType, fileExtension: String) -> Bool {
    switch type.family {
    case .image, .audio, .video, .pdf: return true
    case .text: return ["", "txt", "text", "md", "markdown"].contains(fileExtension.lowercased())
    default: return false
    }
  }

  /// Valid UTF-8 (a sequence cut at the end of the sample is fine) with no NUL or stray controls.
  static func isText(_ head: [UInt8]) -> Bool {
    if head.isEmpty { return true }
    if head.starts(with: [0xFF, 0xFE]) || head.starts(with: [0xFE, 0xFF]) { return true }
    var index = 0
    while index < head.count {
      let byte = head[index]
      if byte < 0x80 {
        if byte == 0 || (byte < 0x20 && ![0x09, 0x0A, 0x0C, 0x0D, 0x1B].contains(byte)) { return false }
        index += 1
        continue
      }
      let length: Int
      if byte & 0xE0 == 0xC0 {
        length = 2
      } else if byte & 0xF0 == 0xE0 {
        length = 3
      } else if byte & 0xF8 == 0xF0 {
        length = 4
      } else {
        return false
      }
      if index + length > head.count { return head.count == headLength }
      for next in head[(index + 1)..<(index + length)] where next & 0xC0 != 0x80 { return false }
      index += length
    }
    return true
  }
}

/// The first offset of `needle` in `haystack`.
func findBytes(_ needle: [UInt8], in haystack: [UInt8], from start: Int = 0) -> Int? {
  guard !needle.isEmpty, haystack.count >= needle.count, start <= haystack.count - needle.count else { return nil }
  let first = needle[0]
  var index = start
  let last = haystack.count - needle.count
  while index <= last {
    if haystack[index] == first {
      var match = true
      for offset in 1..<needle.count where haystack[index + offset] != needle[offset] {
        match = false
        break
      }
      if match { return index }
    }
    index += 1
  }
  return nil
}
