import Basics
import Catalog
import Foundation
import Hashing
import MediaTools

/// Writes files only when their content changed, atomically, and remembers what it wrote.
package struct SiteWriter {
  let folder: SiteFolder
  let previous: Exporter.Manifest
  package var manifest = Exporter.Manifest()
  var written = 0
  var unchanged = 0
  /// The gallery's manifest, or a jury room's.
  package var manifestName = Exporter.manifestName

  package init(folder: SiteFolder, previous: Exporter.Manifest) {
    self.folder = folder
    self.previous = previous
  }

  package mutating func record(_ path: String, sha256: String) { manifest.files[path] = sha256 }

  package mutating func write(_ path: String, _ data: Data) throws {
    let sha = try SHA256Hasher.hash(data)
    manifest.files[path] = sha
    if previous.files[path] == sha, folder.hasFile(path) {
      unchanged += 1
      return
    }
    try folder.write(path, data)
    written += 1
  }

  /// What an earlier export wrote and this one did not.
  var stale: [String] { previous.files.keys.filter { manifest.files[$0] == nil }.sorted() }

  /// Removes what an earlier export wrote and this one did not.
  package func removeStale() -> Int { stale.filter { folder.remove($0) }.count }

  /// Keeps what an earlier export wrote and this one did not, still listed in the manifest so a
  /// later `--prune` finds it.
  mutating func keepStale() -> Int {
    var kept = 0
    for path in stale where folder.hasFile(path) {
      manifest.files[path] = previous.files[path]
      if let size = previous.sizes[path], manifest.sizes[path] == nil { manifest.sizes[path] = size }
      kept += 1
    }
    return kept
  }

  package func writeManifest() throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
    try folder.write(manifestName, try encoder.encode(manifest))
  }
}
