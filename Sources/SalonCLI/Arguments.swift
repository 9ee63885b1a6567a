import Catalog

/// A bad command line: printed with the command's usage, exit status 64.
package struct UsageError: Error, Equatable, CustomStringConvertible {
  package var message: String
  package var description: String { message }
  package init(_ message: String) { self.message = message }
}

/// The command line, parsed by hand against what one command accepts.
struct Arguments {
  var positional: [String] = []
  var values: [String: [String]] = [:]
  var flags: Set<String> = []

  /// - Parameters:
  ///   - valued: options that take a value (`--title T` or `--title=T`).
  ///   - flags: options that take none.
  init(_ arguments: [String], valued: Set<String>, flags allowedFlags: Set<String>) throws {
    var index = 0
    var onlyPositional = false
    while index < arguments.count {
      let argument = arguments[index]
      index += 1
      if onlyPositional || !argument.hasPrefix("-") || argument == "-" {
        positional.append(argument)
        continue
      }
      if argument == "--" {
        onlyPositional = true
        continue
      }
      var name = argument
      var inlineValue: String?
      if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
        name = String(argument[..<equals])
        inlineValue = String(argument[argument.index(after: equals)...])
      }
      if valued.contains(name) {
        let value: String
        if let inlineValue {
          value = inlineValue
        } else {
          guard index < arguments.count else { throw UsageError("Option \(name) needs a value.") }
          value = arguments[index]
          index += 1
        }
        values[name, default: []].append(value)
      } else if allowedFlags.contains(name) && inlineValue == nil {
        flags.insert(name)
      } else {
        let known = valued.union(allowedFlags).union(["--help"])
        throw UsageError("Unknown option \(argument).\(suggestion(for: name, among: known))")
      }
    }
  }

  func value(_ name: String) -> String? { values[name]?.last }

  func int(_ name: String) throws -> Int? {
    guard let text = value(name) else { return nil }
    guard let number = Int(text) else { throw UsageError("Option \(name) takes a whole number, not \"\(text)\".") }
    return number
  }

  func double(_ name: String) throws -> Double? {
    guard let text = value(name) else { return nil }
    guard let number = Double(text), number.isFinite else {
      throw UsageError("Option \(name) takes a number, not \"\(text)\".")
    }
    return number
  }

  /// A number in its documented range; anything else is a usage error naming the flag and range.
  func number(_ name: String, in range: SettingRange) throws -> Double? {
    guard let text = value(name) else { return nil }
    guard let number = range.parse(text) else { throw UsageError(range.refusal(name, text)) }
    return number
  }

  /// A whole number in its documented range (the range says whole numbers only).
  func wholeNumber(_ name: String, in range: SettingRange) throws -> Int? {
    try number(name, in: range).map { Int($0) }
  }

  func has(_ flag: String) -> Bool { flags.contains(flag) }
}
