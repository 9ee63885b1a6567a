import Foundation

/// The gallery's theme: page templates (`Templates/`) and static assets (`Gallery/`). The default
/// theme ships with Salon; `--theme DIR` (holding `Templates/` and/or `Gallery/`) overrides it file
/// by file.
public struct Theme {
  public let templateFolders: [URL]
  public let assetFolders: [URL]
  private var cache: [String: Template] = [:]

  /// Where the default theme is: `SALON_THEME`, beside the executable (`share/salon`), or the
  /// source checkout Salon was built from.
  public static func defaultRoot() -> URL? {
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

  public init(override: URL?) throws {
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
  public mutating func template(_ name: String) throws -> Template? {
    if let cached = cache[name] { return cached }
    for folder in templateFolders {
      let url = folder.appendingPathComponent(name)
      guard let data = FileManager.default.contents(atPath: url.path) else { continue }
      let template = try Template(source: String(decoding: data, as: UTF8.self), file: "Templates/\(name)")
      cache[name] = template
      return template
    }
    return nil
  }

  /// Every asset file, by its path inside `Gallery/`; an override replaces a default of the same name.
  public func assets() throws -> [(relative: String, url: URL)] {
    var found: [String: URL] = [:]
    for folder in assetFolders.reversed() {
      guard let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
      else { continue }
      for case let url as URL in enumerator {
        guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true else { continue }
        let relative = String(url.standardizedFileURL.path.dropFirst(folder.standardizedFileURL.path.count + 1))
        found[relative] = url
      }
    }
    return found.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
  }
}

public enum ExportError: Error, Equatable, CustomStringConvertible {
  case theme(String)
  case output(String)
  case interrupted

  public var description: String {
    switch self {
    case .theme(let message), .output(let message): return message
    case .interrupted: return "The export was stopped; run it again to finish (what is done is kept)."
    }
  }
}
