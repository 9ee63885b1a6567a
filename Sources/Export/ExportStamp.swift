import Basics
import Catalog
import Foundation
import Hashing
import MediaTools

/// What the last complete export into one folder was made from, kept in the archive (never in
/// the site): the catalog's change count, a digest of everything else that shapes the pages
/// (settings, theme files, this build of Salon), and the identity of every folder of the site
/// and of its manifest. When all of them still match, nothing the export would write can differ
/// from what is there, so an export with nothing changed costs a few hundred `stat` calls
/// instead of rendering every page again. A file added, removed or renamed in the site changes
/// its folder's identity, and the export then runs in full and repairs it.
struct ExportStamp: Codable {
  static let currentFormat = "salon-export-stamp-1"
  var format = ExportStamp.currentFormat
  var catalogChanges: Int
  var inputs: String
  var manifest: FileIdentity
  var folders: [String: FileIdentity]
  var report: ExportReport

  /// A file's or folder's inode, size and change times: any file added to, removed from or
  /// renamed in a folder moves its modification time.
  struct FileIdentity: Codable, Equatable {
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: [Int64]
    var changed: [Int64]

    /// The identity of `path` itself (a link is not followed); nil when there is nothing there.
    init?(_ path: String) {
      var status = stat()
      guard lstat(path, &status) == 0 else { return nil }
      device = UInt64(status.st_dev)
      inode = UInt64(status.st_ino)
      size = Int64(status.st_size)
      modified = [Int64(status.st_mtim.tv_sec), Int64(status.st_mtim.tv_nsec)]
      changed = [Int64(status.st_ctim.tv_sec), Int64(status.st_ctim.tv_nsec)]
    }
  }

  /// Where the stamp for exports into `output` lives in the archive: one file per folder.
  static func location(in archive: SalonArchive, output: URL) throws -> (folder: URL, name: String) {
    let target = output.resolvingSymlinksInPath().standardizedFileURL.path
    return (
      archive.root.appendingPathComponent("cache/exports", isDirectory: true),
      try SHA256Hasher.hash(Data(target.utf8)) + ".json"
    )
  }

  /// The stamp of the last export into `output`, if one was kept and reads back whole.
  static func load(archive: SalonArchive, output: URL) -> ExportStamp? {
    guard let (folder, name) = try? location(in: archive, output: output),
      let data = try? InputFile.read(folder.appendingPathComponent(name).path, limit: 64 << 20, followingLinks: false)
    else { return nil }
    return try? JSONDecoder().decode(ExportStamp.self, from: data)
  }

  /// Forgets the stamp for `output`: the next export runs in full.
  static func remove(archive: SalonArchive, output: URL) {
    guard let (folder, name) = try? location(in: archive, output: output) else { return }
    unlink(folder.appendingPathComponent(name).path)
  }

  func save(archive: SalonArchive, output: URL) throws {
    let (folder, name) = try Self.location(in: archive, output: output)
    try OwnerOnly.makeFolder(folder.path)
    let stamps = try SiteFolder(folder)
    stamps.fileMode = OwnerOnly.fileMode
    stamps.folderMode = OwnerOnly.folderMode
    try stamps.write(name, try JSONEncoder().encode(self))
  }

  /// The identity of the site's root, each folder that holds one of `paths`, and the manifest.
  static func folders(of output: URL, holding paths: some Sequence<String>) -> [String: FileIdentity] {
    var relative: Set<String> = [""]
    for path in paths {
      var folder = (path as NSString).deletingLastPathComponent
      while !folder.isEmpty, relative.insert(folder).inserted {
        folder = (folder as NSString).deletingLastPathComponent
      }
    }
    // `-o` may name a link to the folder: the folder is what is looked at.
    let root = output.resolvingSymlinksInPath()
    var identities: [String: FileIdentity] = [:]
    for folder in relative {
      identities[folder] = FileIdentity(folder.isEmpty ? root.path : root.appendingPathComponent(folder).path)
    }
    return identities
  }

  /// True when every folder recorded still has the identity it had.
  func siteIsAsLeft(_ output: URL) -> Bool {
    let root = output.resolvingSymlinksInPath()
    guard FileIdentity(root.appendingPathComponent(Exporter.manifestName).path) == manifest else { return false }
    return folders.allSatisfy { folder, identity in
      FileIdentity(folder.isEmpty ? root.path : root.appendingPathComponent(folder).path) == identity
    }
  }

  /// A digest of everything but the catalog and the site that shapes an export: its settings,
  /// the media tools' versions, every file of the theme, and the Salon program itself (a new
  /// build may render differently).
  static func inputs(settings: ExportSettings, theme: Theme) -> String? {
    var text = "videoMaxSide=\(settings.videoMaxSide) pdfPages=\(settings.pdfPages) pdfDPI=\(settings.pdfDPI)"
    text += " baseURL=\(settings.baseURL ?? "") worksPerPage=\(settings.worksPerPage)"
    text += " limits=\(settings.mediaLimits)\n"
    // The tools that make the media: after an upgrade their names change (`publishedStem`).
    text += "tools \(ToolVersions.current)\n"
    // The program, by the file the kernel started (a rebuild or an upgrade replaces it).
    var program = stat()
    guard stat("/proc/self/exe", &program) == 0 else { return nil }
    text +=
      "program \(program.st_dev) \(program.st_ino) \(program.st_size) \(program.st_mtim.tv_sec) \(program.st_mtim.tv_nsec)\n"
    for (index, folder) in (theme.templateFolders + theme.assetFolders).enumerated() {
      text += "theme folder \(index) \(folder.standardizedFileURL.path)\n"
      guard let enumerator = FileManager.default.enumerator(atPath: folder.path) else { continue }
      var entries: [String] = []
      while let relative = enumerator.nextObject() as? String {
        guard let identity = FileIdentity(folder.appendingPathComponent(relative).path) else { return nil }
        entries.append(
          "\(relative) \(identity.inode) \(identity.size) \(identity.modified) \(identity.changed)")
      }
      text += entries.sorted().joined(separator: "\n") + "\n"
    }
    return try? SHA256Hasher.hash(Data(text.utf8))
  }
}
