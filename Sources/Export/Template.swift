import Basics
import Catalog
import Foundation

/// A value a template can show. Text is escaped when shown; `html` is for markup Salon itself
/// built from escaped parts, and only a triple mustache `{{{name}}}` may show it.
public indirect enum TemplateValue: Equatable, Sendable {
  case text(String)
  case html(String)
  case bool(Bool)
  case list([TemplateValue])
  case object([String: TemplateValue])
  case null

  var isTruthy: Bool {
    switch self {
    case .text(let s), .html(let s): return !s.isEmpty
    case .bool(let b): return b
    case .list(let l): return !l.isEmpty
    case .object: return true
    case .null: return false
    }
  }
}

/// A template problem, with the file and line an organiser editing a theme must look at.
package struct TemplateError: Error, Equatable, CustomStringConvertible {
  package var file: String
  package var line: Int
  package var message: String
  package var description: String { "\(file):\(line): \(message)" }
}

/// Logic-less templates in the Mustache style: `{{name}}` (escaped), `{{{name}}}` (Salon's own
/// markup only), `{{#name}}…{{/name}}` (lists, conditions, objects), `{{^name}}…{{/name}}`
/// (inverted), `{{> partial}}` and `{{! comment}}`. A missing value is an error, never blank.
public struct Template {
  indirect enum Node {
    case text(String)
    case variable(name: String, raw: Bool, line: Int)
    case section(name: String, inverted: Bool, children: [Node], line: Int)
    case partial(name: String, line: Int)
  }

  let file: String
  let nodes: [Node]

  public init(source: String, file: String) throws {
    self.file = file
    var index = source.startIndex
    var line = 1
    var stack: [(name: String, inverted: Bool, nodes: [Node], line: Int)] = [("", false, [], 1)]
    func append(_ node: Node) { stack[stack.count - 1].nodes.append(node) }
    while index < source.endIndex {
      guard let open = source.range(of: "{{", range: index..<source.endIndex) else {
        append(.text(String(source[index...])))
        break
      }
      let text = source[index..<open.lowerBound]
      if !text.isEmpty { append(.text(String(text))) }
      line += text.filter { $0 == "\n" }.count
      let triple = source[open.upperBound...].hasPrefix("{")
      let closer = triple ? "}}}" : "}}"
      let start = triple ? source.index(after: open.upperBound) : open.upperBound
      guard let close = source.range(of: closer, range: start..<source.endIndex) else {
        throw TemplateError(file: file, line: line, message: "a tag opened with {{ is never closed")
      }
      let tag = source[start..<close.lowerBound].trimmingCharacters(in: .whitespaces)
      let tagLine = line
      line += source[open.lowerBound..<close.upperBound].filter { $0 == "\n" }.count
      index = close.upperBound
      guard let sigil = tag.first else { throw TemplateError(file: file, line: tagLine, message: "an empty tag {{}}") }
      let name = tag.dropFirst().trimmingCharacters(in: .whitespaces)
      func checkName(_ name: String) throws {
        let valid =
          name == "."
          || (!name.isEmpty
            && name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
              !part.isEmpty && part.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
            })
        if !valid { throw TemplateError(file: file, line: tagLine, message: "\"\(name)\" is not a value name") }
      }
      if triple {
        try checkName(tag)
        append(.variable(name: tag, raw: true, line: tagLine))
        continue
      }
      switch sigil {
      case "!": continue
      case "#", "^":
        guard !name.isEmpty else { throw TemplateError(file: file, line: tagLine, message: "a section needs a name") }
        try checkName(name)
        stack.append((name, sigil == "^", [], tagLine))
      case "/":
        guard stack.count > 1, let top = stack.last, top.name == name else {
          let expected = stack.count > 1 ? "{{/\(stack.last!.name)}}" : "no open section"
          throw TemplateError(
            file: file, line: tagLine, message: "{{/\(name)}} does not close a section (expected \(expected))")
        }
        stack.removeLast()
        append(.section(name: top.name, inverted: top.inverted, children: top.nodes, line: top.line))
      case ">":
        // A partial is a file of the theme's Templates/: a plain name, never a path.
        guard Template.isPartialName(name) else {
          throw TemplateError(
            file: file, line: tagLine,
            message:
              "\"\(name)\" is not a partial name; use only letters, digits, - and _ (it names _NAME.html beside the page)"
          )
        }
        append(.partial(name: name, line: tagLine))
      case "&", "{", "=":
        throw TemplateError(
          file: file, line: tagLine, message: "{{\(sigil)…}} is not supported; use {{{name}}} for Salon's own markup")
      default:
        try checkName(tag)
        append(.variable(name: tag, raw: false, line: tagLine))
      }
    }
    if stack.count > 1, let open = stack.last {
      throw TemplateError(file: file, line: open.line, message: "the section {{#\(open.name)}} is never closed")
    }
    nodes = stack[0].nodes
  }

  /// True for a name that can only mean a file in the theme's own Templates/ folder.
  package static func isPartialName(_ name: String) -> Bool {
    !name.isEmpty && name.count <= 64
      && name.unicodeScalars.allSatisfy {
        ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
      }
  }

  /// Renders with `context`; `partials` resolves `{{> name}}`.
  public func render(_ context: [String: TemplateValue], partials: (String) throws -> Template?) throws -> String {
    var out = ""
    var budget = Self.renderBudget
    try render(nodes, stack: [.object(context)], into: &out, partials: partials, depth: 0, budget: &budget)
    return out
  }

  private func lookup(_ name: String, in stack: [TemplateValue], line: Int) throws -> TemplateValue {
    if name == "." { return stack.last ?? .null }
    let parts = name.split(separator: ".").map(String.init)
    for frame in stack.reversed() {
      guard case .object(let fields) = frame, var value = fields[parts[0]] else { continue }
      for part in parts.dropFirst() {
        guard case .object(let inner) = value, let next = inner[part] else {
          throw TemplateError(file: file, line: line, message: "no value named \"\(name)\"")
        }
        value = next
      }
      return value
    }
    throw TemplateError(file: file, line: line, message: "no value named \"\(name)\"")
  }

  /// Nodes one page may render: partials that include each other cannot run away.
  static let renderBudget = 2_000_000

  private func render(
    _ nodes: [Node], stack: [TemplateValue], into out: inout String, partials: (String) throws -> Template?, depth: Int,
    budget: inout Int
  ) throws {
    for node in nodes {
      budget -= 1
      if budget < 0 {
        throw TemplateError(file: file, line: 1, message: "the page grows without end; a partial may include itself")
      }
      switch node {
      case .text(let text): out += text
      case .variable(let name, let raw, let line):
        switch try lookup(name, in: stack, line: line) {
        case .text(let text):
          if raw {
            throw TemplateError(
              file: file, line: line, message: "\"\(name)\" is text, so it must be shown with {{\(name)}}, escaped")
          }
          out += HTMLText.escape(text)
        case .html(let html):
          guard raw else {
            throw TemplateError(file: file, line: line, message: "\"\(name)\" is markup; show it with {{{\(name)}}}")
          }
          out += html
        case .null: break
        case .bool, .list, .object:
          throw TemplateError(
            file: file, line: line, message: "\"\(name)\" is not text; use it as a section {{#\(name)}}")
        }
      case .section(let name, let inverted, let children, let line):
        let value = try lookup(name, in: stack, line: line)
        if inverted {
          if !value.isTruthy {
            try render(children, stack: stack, into: &out, partials: partials, depth: depth, budget: &budget)
          }
          continue
        }
        switch value {
        case .list(let items):
          for item in items {
            try render(children, stack: stack + [item], into: &out, partials: partials, depth: depth, budget: &budget)
          }
        case .object:
          try render(children, stack: stack + [value], into: &out, partials: partials, depth: depth, budget: &budget)
        case .text, .html:
          // A non-empty value is the context inside, so {{.}} shows it.
          if value.isTruthy {
            try render(children, stack: stack + [value], into: &out, partials: partials, depth: depth, budget: &budget)
          }
        default:
          if value.isTruthy {
            try render(children, stack: stack, into: &out, partials: partials, depth: depth, budget: &budget)
          }
        }
      case .partial(let name, let line):
        guard depth < 10 else { throw TemplateError(file: file, line: line, message: "partials nest too deeply") }
        guard let partial = try partials(name) else {
          throw TemplateError(file: file, line: line, message: "no partial template \"\(name)\"")
        }
        try partial.render(
          partial.nodes, stack: stack, into: &out, partials: partials, depth: depth + 1, budget: &budget)
      }
    }
  }
}
