import Foundation

/// The gallery's theme: page templates (`Templates/`) and static assets (`Gallery/`). The default
/// theme ships with Salon; `--theme DIR` (holding `Templates/` and/or `Gallery/`) overrides it file
/// by file.
package struct Theme {
  package let templateFolders: [URL]
  package let assetFolders: [URL]
  private var cache: [String: Template] = [:]

  /// Where the default theme is: `SALON_THEME`, beside the executable (`share/salon`), or the
  /// source checkout Salon was built from.
  package static func defaultRoot() -> URL? {
    let fileManager = FileManager.default
    var candidates: [URL] = []
    if let explicit = ProcessInfo.processInfo.environment["SALON_THEME"] {
      candidates.append(URL(fileURLWithPath: explicit))
    }
    let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
      .deletingLastPathComponent()
    candidates.append(executable.appendingPathComponent("../share/salon").standardizedFileURL)
    // Sources/Export/Theme.swift → the checkout's root.
    candidates.append(
      URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent())
    return candidates.first { fileManager.fileExists(atPath: $0.appendingPathComponent("Templates/work.html").path) }
  }

  package init(override: URL?) throws {
    var templates: [URL] = []
    var assets: [URL] = []
    if let override {
      var isFolder: ObjCBool = false
      guard FileManager.default.fileExists(atPath: override.path, isDirectory: &isFolder), isFolder.boolValue else {
        throw ExportError.theme("The theme folder \(override.path) does not exist.")
      }
      templates.append(override.appendingPathComponent("Templates"))
      assets.append(override.appendingPathComponent("Gallery"))
    }
    guard let root = Self.defaultRoot() else {
      throw ExportError.theme(
        "Salon cannot find its default theme (Templates/ and Gallery/); set SALON_THEME to the folder that holds them.")
    }
    templates.append(root.appendingPathComponent("Templates"))
    assets.append(root.appendingPathComponent("Gallery"))
    templateFolders = templates
    assetFolders = assets
  }

  /// The template `name` (e.g. "work.html"), from the override first.
  package mutating func template(_ name: String) throws -> Template? {
    if let cached = cache[name] { return cached }
    guard !name.contains("/"), !name.hasPrefix("."), !name.contains("\0") else { return nil }
    for folder in templateFolders {
      let url = folder.appendingPathComponent(name)
      guard let data = try Self.readThemeFile(url, name: "Templates/\(name)") else { continue }
      let template = try Template(source: String(decoding: data, as: UTF8.self), file: "Templates/\(name)")
      cache[name] = template
      return template
    }
    return nil
  }

  /// The jury room's script and style live here in `Gallery/`; the gallery leaves them out.
  package static let roomAssets = "room/"

  /// One asset file's bytes (e.g. "room/room.js"), from the override first; nil when none has it.
  package func asset(_ relative: String) throws -> Data? {
    guard SiteFolder.isSafe(relative) else { return nil }
    for folder in assetFolders {
      if let data = try Self.readThemeFile(folder.appendingPathComponent(relative), name: "Gallery/\(relative)") {
        return data
      }
    }
    return nil
  }

  /// Every asset file, by its path inside `Gallery/`; an override replaces a default of the same name.
  package func assets() throws -> [(relative: String, url: URL)] {
    var found: [String: URL] = [:]
    for folder in assetFolders.reversed() {
      guard let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
      else { continue }
      for case let url as URL in enumerator {
        let relative = String(url.standardizedFileURL.path.dropFirst(folder.standardizedFileURL.path.count + 1))
        var status = stat()
        guard lstat(url.path, &status) == 0 else { continue }
        if status.st_mode & S_IFMT == S_IFLNK { throw Self.linkRefusal("Gallery/\(relative)") }
        guard status.st_mode & S_IFMT == S_IFREG else { continue }
        found[relative] = url
      }
    }
    return found.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
  }
}

extension Theme {
  /// The bytes of a theme file, read only when it is a regular file and not a link: a link could
  /// publish any file of this computer in every page. Nil when there is no such file.
  package static func readThemeFile(_ url: URL, name: String) throws -> Data? {
    let fd = open(url.path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
    guard fd >= 0 else {
      if errno == ELOOP { throw linkRefusal(name) }
      return nil
    }
    let handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    var status = stat()
    guard fstat(fd, &status) == 0 else { return nil }
    guard status.st_mode & S_IFMT == S_IFREG else {
      if status.st_mode & S_IFMT == S_IFDIR { return nil }
      throw ExportError.theme("The theme file \(name) is not an ordinary file; a theme holds only ordinary files.")
    }
    guard status.st_size <= 64 << 20 else {
      throw ExportError.theme("The theme file \(name) is larger than 64 MB; a theme file must be smaller.")
    }
    return try? handle.readToEnd() ?? Data()
  }

  static func linkRefusal(_ name: String) -> ExportError {
    .theme(
      "The theme file \(name) is a link; Salon publishes only ordinary files from a theme, so replace the link with the file itself."
    )
  }
}

package enum ExportError: Error, Equatable, CustomStringConvertible {
  case theme(String)
  case output(String)
  case interrupted

  package var description: String {
    switch self {
    case .theme(let message), .output(let message): return message
    case .interrupted: return "The export was stopped; run it again to finish (what is done is kept)."
    }
  }
}
