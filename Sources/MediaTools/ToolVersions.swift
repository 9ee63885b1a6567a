import Foundation

/// The versions of the programs and libraries that make derivatives, as one text for the
/// derivative cache's keys: another ffmpeg, libvips, poppler or qpdf may make other bytes, so a
/// node (or this machine after an upgrade) with other versions makes other keys, and nothing
/// made by one is taken for the other's. Read once per process from Debian's package database
/// (no program is run); a tool Debian does not list is named by its file's size and time.
package enum ToolVersions {
  /// The packages whose programs or libraries shape a derivative's bytes.
  static let packages: [(name: String, alternatives: [String])] = [
    ("ffmpeg", ["ffmpeg"]), ("libvips", ["libvips42t64", "libvips42"]), ("poppler", ["poppler-utils"]),
    ("qpdf", ["qpdf", "libqpdf29t64", "libqpdf29"]),
  ]

  /// `SALON_TOOL_VERSIONS` replaces what is read (a node whose packages Salon cannot see, and
  /// the tests that play one with other tools).
  package static let current: String = {
    if let given = ProcessInfo.processInfo.environment["SALON_TOOL_VERSIONS"], !given.isEmpty,
      given.utf8.count <= 512, !given.contains(where: { $0.isNewline || $0 == "\t" })
    {
      return given
    }
    let installed = debianVersions()
    return packages.map { package in
      let version =
        package.alternatives.lazy.compactMap { installed[$0] }.first ?? fileIdentity(package.name) ?? "none"
      return "\(package.name)=\(version)"
    }.joined(separator: ",")
  }()

  /// `Package:` → `Version:` of every installed package in `/var/lib/dpkg/status`.
  static func debianVersions() -> [String: String] {
    guard let data = FileManager.default.contents(atPath: "/var/lib/dpkg/status"), data.count < 256 << 20 else {
      return [:]
    }
    var versions: [String: String] = [:]
    var name: String?
    var installed = false
    var version: String?
    func finish() {
      if let name, let version, installed {
        versions[name.split(separator: ":").first.map(String.init) ?? name] = version
      }
    }
    for line in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
      if line.isEmpty {
        finish()
        (name, installed, version) = (nil, false, nil)
      } else if line.hasPrefix("Package: ") {
        name = String(line.dropFirst(9))
      } else if line.hasPrefix("Status: ") {
        installed = line.hasSuffix(" installed")
      } else if line.hasPrefix("Version: ") {
        version = String(line.dropFirst(9))
      }
    }
    finish()
    return versions
  }

  /// A program outside Debian's database, named by the size and time of its file.
  static func fileIdentity(_ name: String) -> String? {
    let program = ["libvips": "vips", "poppler": "pdftoppm"][name] ?? name
    guard let path = MediaTool.locate(program),
      let attributes = try? FileManager.default.attributesOfItem(atPath: path),
      let size = attributes[.size] as? Int, let date = attributes[.modificationDate] as? Date
    else { return nil }
    return "file-\(size)-\(Int(date.timeIntervalSince1970))"
  }
}
