import CFuzzerDriver
import Export
import Foundation

/// The template parser and renderer on arbitrary template text, with a context of every kind.
let context: [String: TemplateValue] = [
  "title": .text("<b>\"x\" & 'y'</b>"), "markup": .html("<em>ok</em>"), "yes": .bool(true), "no": .bool(false),
  "items": .list([.object(["name": .text("a")]), .object(["name": .text("<b>")])]), "none": .null,
  "work": .object(["title": .text("T"), "artists": .list([.text("A"), .text("B")])]),
]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  guard let data else { return 0 }
  let source = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
  guard let template = try? Template(source: source, file: "fuzz.html") else { return 0 }
  if let output = try? template.render(context, partials: { name in name == "self" ? template : nil }) {
    // Escaping holds: the raw markup of the text value never appears.
    precondition(!output.contains("<b>\"x\""))
  }
  return 0
}

// SwiftPM links every executable with main = <target>_main; it hands over to libFuzzer.
@_cdecl("FuzzTemplate_main")
public func fuzzerMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
  var count = argc
  var arguments = argv
  return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzz(data, size) }
}
