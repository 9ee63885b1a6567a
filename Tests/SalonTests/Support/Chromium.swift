import Foundation

/// Runs Tests/Browser/cdp.py, which drives Debian's headless Chromium over the DevTools protocol.
enum Chromium {
  static var script: String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("Browser/cdp.py").path
  }

  static func run(_ arguments: [String]) throws -> Any {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", script] + arguments
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
    var description: String { "Chromium driver failed: \(message)" }
  }
}
