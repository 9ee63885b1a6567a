import Catalog
import Foundation
import Hashing
import Imaging

/// What an export did, and every work it left out with why.
public struct ExportReport: Codable, Equatable, Sendable {
  public struct LeftOut: Codable, Equatable, Sendable {
    public var exhibition: String
    public var id: String
    public var title: String
    public var reasons: [String]
  }
  public struct Failure: Codable, Equatable, Sendable {
    public var exhibition: String
    public var id: String
    public var file: String
    public var message: String
  }
  public var output: String
  public var exhibitions: [String]
  public var works: Int
  public var pages: Int
  public var written: Int
  public var unchanged: Int
  public var removed: Int
  public var derivativesMade: Int
  public var derivativesReused: Int
  public var leftOut: [LeftOut]
  public var failures: [Failure]
}

/// Builds the static gallery: every exhibition, newest first, with only the works that are
/// selected, have their rights granted and their authorship affirmed.
public final class Exporter {
  let archive: SalonArchive
  var theme: Theme
  /// Derivative widths for images and PDF previews.
  public static let widths = [480, 1200]
  static let manifestName = ".salon-export.json"

  public init(archive: SalonArchive, theme: Theme) {
    self.archive = archive
    self.theme = theme
  }

  struct Manifest: Codable {
    var format = "salon-export-1"
    /// Every file the export wrote, by relative path, with its SHA-256.
    var files: [String: String] = [:]
    /// Derivative sizes, by file name, so a re-export need not decode anything.
    var sizes: [String: [Int]] = [:]
  }

  /// Progress is the stage ("images", "pages"), then done and total.
  public func export(to output: URL, clean: Bool, progress: ((String, Int, Int) -> Void)? = nil) throws
    -> ExportReport
  {
    let fileManager = FileManager.default
    let manifestURL = output.appendingPathComponent(Self.manifestName)
    var previous = Manifest()
    if fileManager.fileExists(atPath: output.path) {
      let contents = (try? fileManager.contentsOfDirectory(atPath: output.path)) ?? []
      if let data = fileManager.contents(atPath: manifestURL.path),
        let manifest = try? JSONDecoder().decode(Manifest.self, from: data)
      {
        previous = manifest
      } else if contents.contains(where: { !Self.isPartial($0) }) {
        // (A folder of `.partial-` files only is an export killed before its manifest was written.)
        throw ExportError.output(
          "\(output.path) is not empty and was not made by `salon export`; choose an empty or new folder so nothing of yours is overwritten."
        )
      }
    }
    if clean {
      for path in previous.files.keys { try? fileManager.removeItem(at: output.appendingPathComponent(path)) }
      try? fileManager.removeItem(at: manifestURL)
      removeEmptyFolders(output)
      previous = Manifest()
    }
    try fileManager.createDirectory(at: output, withIntermediateDirectories: true)
    // Mark the folder as an export before anything else goes in, so a run killed midway can be
    // resumed; and sweep the partial files such a run left.
    if !fileManager.fileExists(atPath: manifestURL.path) {
      try SiteWriter(output: output, previous: previous).writeManifest(to: manifestURL)
    }
    Self.removePartialFiles(in: output)

    var site = SiteWriter(output: output, previous: previous)
    let model = try SiteModel(archive: archive)
    var report = ExportReport(
      output: output.path, exhibitions: model.exhibitions.map(\.exhibition.slug),
      works: model.exhibitions.map(\.works.count).reduce(0, +), pages: 0, written: 0, unchanged: 0, removed: 0,
      derivativesMade: 0, derivativesReused: 0, leftOut: model.leftOut, failures: [])

    // Derivatives first (in parallel), then the pages that show them.
    progress?("images", 0, report.works)
    let media = MediaBuilder(archive: archive, output: output, previous: previous)
    let outcome = media.build(model.exhibitions)
    report.derivativesMade = outcome.made
    report.derivativesReused = outcome.reused
    report.failures = outcome.failures
    for (path, sha) in outcome.files { site.record(path, sha256: sha) }
    site.manifest.sizes = outcome.sizes

    for asset in try theme.assets() {
      guard let data = FileManager.default.contents(atPath: asset.url.path) else { continue }
      try site.write("assets/" + asset.relative, data)
    }
    let renderer = PageRenderer(model: model, media: outcome)
    let pageCount = renderer.pageCount
    try renderer.forEachPage { page in
      guard let template = try theme.template(page.template) else {
        throw ExportError.theme("The theme has no template \(page.template).")
      }
      var theme = self.theme
      let html = try template.render(page.context) { name in try theme.template("_\(name).html") }
      try site.write(page.path, Data(html.utf8))
      report.pages += 1
      progress?("pages", report.pages, pageCount)
    }
    report.removed = site.removeStale()
    report.written = site.written
    report.unchanged = site.unchanged
    try site.writeManifest(to: manifestURL)
    try archive.record(
      "export", exhibition: nil,
      detail: ["output": output.path, "works": report.works, "pages": report.pages, "written": report.written])
    return report
  }

  /// Files named `.partial-…` are being written, or were when a run was killed.
  static func isPartial(_ name: String) -> Bool { name.hasPrefix(".partial-") || name.contains(".partial-") }

  static func removePartialFiles(in root: URL) {
    guard let enumerator = FileManager.default.enumerator(atPath: root.path) else { return }
    while let path = enumerator.nextObject() as? String {
      if isPartial((path as NSString).lastPathComponent) {
        try? FileManager.default.removeItem(at: root.appendingPathComponent(path))
      }
    }
  }

  private func removeEmptyFolders(_ root: URL) {
    guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isDirectoryKey])
    else { return }
    let folders = enumerator.compactMap { $0 as? URL }.filter {
      (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true
    }
    for folder in folders.sorted(by: { $0.path.count > $1.path.count }) {
      if (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?.isEmpty == true {
        try? FileManager.default.removeItem(at: folder)
      }
    }
  }
}

/// Writes files only when their content changed, atomically, and remembers what it wrote.
struct SiteWriter {
  let output: URL
  let previous: Exporter.Manifest
  var manifest = Exporter.Manifest()
  var written = 0
  var unchanged = 0
  private var createdFolders = Set<String>()

  init(output: URL, previous: Exporter.Manifest) {
    self.output = output
    self.previous = previous
  }

  mutating func record(_ path: String, sha256: String) { manifest.files[path] = sha256 }

  mutating func write(_ path: String, _ data: Data) throws {
    let sha = try SHA256Hasher.hash(data)
    manifest.files[path] = sha
    let url = output.appendingPathComponent(path)
    if previous.files[path] == sha, FileManager.default.fileExists(atPath: url.path) {
      unchanged += 1
      return
    }
    let folder = url.deletingLastPathComponent()
    if !createdFolders.contains(folder.path) {
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      createdFolders.insert(folder.path)
    }
    try Self.atomicWrite(data, to: url)
    written += 1
  }

  /// Removes what an earlier export wrote and this one did not.
  func removeStale() -> Int {
    var removed = 0
    for path in previous.files.keys where manifest.files[path] == nil {
      if (try? FileManager.default.removeItem(at: output.appendingPathComponent(path))) != nil { removed += 1 }
    }
    return removed
  }

  func writeManifest(to url: URL) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    try Self.atomicWrite(try encoder.encode(manifest), to: url)
  }

  /// Writes to `.partial-PID-name` beside the target, then renames: a reader never sees half a
  /// file, and a killed run leaves only `.partial-` files, which the next run sweeps.
  static func atomicWrite(_ data: Data, to url: URL) throws {
    let temporary = url.deletingLastPathComponent().appendingPathComponent(
      ".partial-\(getpid())-\(url.lastPathComponent)")
    do {
      try data.write(to: temporary)
      guard rename(temporary.path, url.path) == 0 else {
        throw ExportError.output("Salon cannot write \(url.path): \(String(cString: strerror(errno))).")
      }
    } catch let error as ExportError {
      try? FileManager.default.removeItem(at: temporary)
      throw error
    } catch {
      try? FileManager.default.removeItem(at: temporary)
      throw ExportError.output("Salon cannot write \(url.path): \(error.localizedDescription)")
    }
  }
}
