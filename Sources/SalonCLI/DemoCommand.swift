// swift-format-ignore-file: OrderedImports
// Glibc first, as @preconcurrency: Swift 6 cannot prove C's `stdout` safe, and only the main
// thread touches it.
import Basics
@preconcurrency import Glibc
import Catalog
import Demo
import Foundation

enum DemoCommand: Command {
  static let usage = """
    Usage: salon demo [-o DIR]

    Builds a complete sample exhibition in DIR (default: ./salon-demo) from content it generates:
    every medium, names that drift from the call's convention, a form export with varied
    declarations, a hostile zip that is rejected, a jury of three scoring three ways, standings,
    an award, the announcement and the exported gallery.
    """

  static func run(_ arguments: [String]) throws {
    let args = try Arguments(arguments, valued: ["-o"], flags: [])
    guard args.positional.isEmpty else { throw UsageError("demo takes only -o DIR.") }
    let output = try OutputPath.check(args.value("-o") ?? "salon-demo", kind: .folder)
    let started = Date()
    let result = try Demo(output: output, cancellation: interruption) { line in
      print(line)
      fflush(stdout)
    }.run()
    print(String(format: "\nDone in %.1f s.", Date().timeIntervalSince(started)))
    print("The gallery:      \(result.gallery.appendingPathComponent("index.html").path)")
    print("The archive:      \(result.archive.path)   (try: salon submissions list --archive \(result.archive.path))")
    print("The announcement: \(result.announcement.path)")
    print(
      "Open the gallery straight from disk, e.g.  xdg-open \(result.gallery.appendingPathComponent("index.html").path)")
    print("or serve it:      python3 -m http.server -d \(result.gallery.path) 8000   then visit http://localhost:8000/")
  }
}
