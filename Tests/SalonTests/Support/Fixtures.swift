import Catalog
import Foundation
import Ingest
import SampleContent
import Zip

/// A fresh folder under the system's temporary folder, removed when the value is released.
final class Scratch {
  let url: URL
  init() {
    url = FileManager.default.temporaryDirectory.appendingPathComponent("salon-test-\(UUID().uuidString)")
    try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }
  deinit { try? FileManager.default.removeItem(at: url) }

  func path(_ name: String) -> String { url.appendingPathComponent(name).path }

  @discardableResult
  func write(_ name: String, _ bytes: [UInt8]) -> String {
    let path = self.path(name)
    try! FileManager.default.createDirectory(
      at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
    FileManager.default.createFile(atPath: path, contents: Data(bytes))
    return path
  }

  @discardableResult
  func write(_ name: String, _ text: String) -> String { write(name, Array(text.utf8)) }

  /// A zip written by libarchive, as real tools write them.
  @discardableResult
  func zip(_ name: String, _ files: [(String, [UInt8])], compress: Bool = true) -> String {
    let path = self.path(name)
    try! FileManager.default.createDirectory(
      at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
    let writer = try! ZipWriter(path: path, compress: compress)
    for (entry, bytes) in files { try! writer.add(entry, bytes: bytes) }
    try! writer.close()
    return path
  }
}

/// The parts of a valid submission, by the call's convention.
enum Parts {
  static let image = SampleMedia.png(width: 32, height: 24)
  static let description = SampleMedia.pdf(pages: 2)
  static func valid(_ name: String = "work") -> [(String, [UInt8])] {
    [("\(name)_main.png", image), ("\(name)_description.pdf", description)]
  }
}

/// An archive with one exhibition, for library-level tests.
struct TestArchive {
  let scratch = Scratch()
  let archive: SalonArchive
  let exhibition: Exhibition

  init(limits: Limits = Limits()) {
    archive = try! SalonArchive.open(at: scratch.path("archive"), create: true)
    var new = NewExhibition(title: "Test Salon", year: 2026)
    new.limits = limits
    exhibition = try! archive.createExhibition(new)
  }

  func ingest(_ path: String, form: FormExport? = nil) throws -> SubmissionReport {
    try Ingester(archive: archive, exhibition: exhibition, form: form).ingest(zipAt: path)
  }

  func ingest(raw zip: RawZip, name: String = "raw.zip") throws -> SubmissionReport {
    try ingest(scratch.write(name, zip.bytes()))
  }

  /// Files in the archive's tmp/ (must be none after any ingest).
  var temporaryFiles: [String] {
    (try? FileManager.default.contentsOfDirectory(atPath: archive.temporaryRoot.path)) ?? []
  }

  /// Every file in the content-addressed store.
  var storedFiles: [String] {
    let enumerator = FileManager.default.enumerator(atPath: archive.storeRoot.path)
    var names: [String] = []
    while let next = enumerator?.nextObject() as? String {
      if next.count > 3 { names.append(next) }
    }
    return names
  }
}

extension SubmissionReport {
  var problemCodes: [String] { problems.map(\.code) }
  var warningCodes: [String] { warnings.map(\.code) }
}

/// Runs the built `salon` binary, as an organiser would.
struct SalonRun {
  var status: Int32
  var stdout: String
  var stderr: String
}

enum Binary {
  /// `salon` sits beside the test bundle in the build folder.
  static var url: URL {
    if let explicit = ProcessInfo.processInfo.environment["SALON_BINARY"] { return URL(fileURLWithPath: explicit) }
    var folder = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    if folder.lastPathComponent.hasSuffix(".xctest") { folder = folder.deletingLastPathComponent() }
    for candidate in [folder, folder.deletingLastPathComponent()] {
      let url = candidate.appendingPathComponent("salon")
      if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".build/debug/salon")
  }

  /// - Parameters:
  ///   - outputTo, errorsTo: a file for standard output or error (e.g. /dev/full) instead of a pipe.
  ///   - asNobody: run as the unprivileged user `nobody` (through `setpriv`), so permissions hold.
  ///   - shellFirst: a shell command run before salon replaces the shell (`umask 000`,
  ///     `ulimit -n 256`), as a login with those settings would start it.
  @discardableResult
  /// With `timeout`, a run still going after that many seconds is killed (a hang fails the test
  /// instead of blocking the suite).
  static func run(
    _ arguments: [String], in folder: URL? = nil, environment: [String: String] = [:], outputTo: String? = nil,
    errorsTo: String? = nil, asNobody: Bool = false, shellFirst: String? = nil, timeout: TimeInterval? = nil
  ) throws -> SalonRun {
    let process = Process()
    if let shellFirst {
      process.executableURL = URL(fileURLWithPath: "/bin/sh")
      process.arguments = ["-c", "\(shellFirst) && exec \"$0\" \"$@\"", url.path] + arguments
    } else if asNobody {
      process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
      process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", url.path] + arguments
    } else {
      process.executableURL = url
      process.arguments = arguments
    }
    if let folder { process.currentDirectoryURL = folder }
    var env = ProcessInfo.processInfo.environment
    for (key, value) in environment { env[key] = value }
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = try outputTo.map { try FileHandle(forWritingTo: URL(fileURLWithPath: $0)) } ?? out
    process.standardError = try errorsTo.map { try FileHandle(forWritingTo: URL(fileURLWithPath: $0)) } ?? err
    try process.run()
    // The parent's ends of unused pipes must close, or reading them would never end.
    if outputTo != nil { try out.fileHandleForWriting.close() }
    if errorsTo != nil { try err.fileHandleForWriting.close() }
    if let timeout {
      let pid = process.processIdentifier
      DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { [process] in
        if process.isRunning { kill(pid, SIGKILL) }
      }
    }
    // Read both pipes to the end before waiting, so a large output cannot block the child.
    final class Collected: @unchecked Sendable { var data = Data() }
    let errData = Collected()
    let group = DispatchGroup()
    group.enter()
    DispatchQueue.global().async {
      errData.data = err.fileHandleForReading.readDataToEndOfFile()
      group.leave()
    }
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    group.wait()
    process.waitUntilExit()
    return SalonRun(
      status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData.data, as: UTF8.self))
  }

  /// Starts `salon` without waiting, its output discarded: for tests that kill or race it.
  static func start(_ arguments: [String]) throws -> Process {
    let process = Process()
    process.executableURL = url
    process.arguments = arguments
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }

  static func json(_ run: SalonRun) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(run.stdout.utf8))
  }
}
