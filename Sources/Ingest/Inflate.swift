/// A small DEFLATE (RFC 1951) decoder, for the compressed object streams of PDFs, where the page
/// tree often hides. Output is capped so that a hostile stream cannot exhaust memory.
struct Inflater {
  enum Failure: Error { case malformed, tooLarge }

  private let input: [UInt8]
  private var position = 0
  private var bitBuffer = 0
  private var bitCount = 0
  private var output: [UInt8] = []
  private let limit: Int
  private let cancellation: Cancellation
  /// Symbols decoded since the last look at `cancellation`.
  private var sinceCheck = 0

  /// Decodes a zlib stream (RFC 1950 header, then DEFLATE); the checksum is not verified.
  /// Throws `Failure` for a bad stream and `Interrupted` when cancelled.
  static func inflateZlib(_ data: [UInt8], limit: Int, cancellation: Cancellation = .never) throws -> [UInt8] {
    guard data.count >= 2, data[0] & 0x0F == 8, (Int(data[0]) << 8 | Int(data[1])) % 31 == 0 else {
      throw Failure.malformed
    }
    var inflater = Inflater(input: data, start: 2, limit: limit, cancellation: cancellation)
    return try inflater.run()
  }

  private init(input: [UInt8], start: Int, limit: Int, cancellation: Cancellation) {
    self.input = input
    self.position = start
    self.limit = limit
    self.cancellation = cancellation
  }

  private mutating func bits(_ count: Int) throws -> Int {
    while bitCount < count {
      guard position < input.count else { throw Failure.malformed }
      bitBuffer |= Int(input[position]) << bitCount
      position += 1
      bitCount += 8
    }
    let value = bitBuffer & ((1 << count) - 1)
    bitBuffer >>= count
    bitCount -= count
    return value
  }

  /// Canonical Huffman table: symbol counts per length and symbols in code order.
  private struct Huffman {
    var counts = [Int](repeating: 0, count: 16)
    var symbols: [Int] = []
    init(lengths: [Int]) throws {
      for length in lengths { counts[length] += 1 }
      counts[0] = 0
      var offsets = [Int](repeating: 0, count: 16)
      for length in 1..<16 { offsets[length] = offsets[length - 1] + counts[length - 1] }
      symbols = [Int](repeating: 0, count: lengths.count)
      for (symbol, length) in lengths.enumerated() where length != 0 {
        symbols[offsets[length]] = symbol
        offsets[length] += 1
      }
    }
  }

  private mutating func decode(_ table: Huffman) throws -> Int {
    var code = 0
    var first = 0
    var index = 0
    for length in 1..<16 {
      code |= try bits(1)
      let count = table.counts[length]
      if code - count < first { return table.symbols[index + (code - first)] }
      index += count
      first += count
      first <<= 1
      code <<= 1
    }
    throw Failure.malformed
  }

  private static let lengthBase = [
    3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
  ]
  private static let lengthExtra = [
    0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
  ]
  private static let distanceBase = [
    1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
    8193, 12289, 16385, 24577,
  ]
  private static let distanceExtra = [
    0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
  ]

  private mutating func run() throws -> [UInt8] {
    var last = 0
    repeat {
      try cancellation.check()
      last = try bits(1)
      switch try bits(2) {
      case 0: try stored()
      case 1:
        let lengths =
          [Int](repeating: 8, count: 144) + [Int](repeating: 9, count: 112)
          + [Int](repeating: 7, count: 24) + [Int](repeating: 8, count: 8)
        try codes(try Huffman(lengths: lengths), try Huffman(lengths: [Int](repeating: 5, count: 30)))
      case 2: try dynamic()
      default: throw Failure.malformed
      }
    } while last == 0
    return output
  }

  private mutating func stored() throws {
    bitBuffer = 0
    bitCount = 0
    guard position + 4 <= input.count else { throw Failure.malformed }
    let length = Int(input[position]) | Int(input[position + 1]) << 8
    let complement = Int(input[position + 2]) | Int(input[position + 3]) << 8
    guard length == ~complement & 0xFFFF else { throw Failure.malformed }
    position += 4
    guard position + length <= input.count else { throw Failure.malformed }
    guard output.count + length <= limit else { throw Failure.tooLarge }
    output.append(contentsOf: input[position..<position + length])
    position += length
  }

  private mutating func dynamic() throws {
    let literalCount = try bits(5) + 257
    let distanceCount = try bits(5) + 1
    let codeCount = try bits(4) + 4
    guard literalCount <= 286, distanceCount <= 30 else { throw Failure.malformed }
    let order = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
    var codeLengths = [Int](repeating: 0, count: 19)
    for index in 0..<codeCount { codeLengths[order[index]] = try bits(3) }
    let codeTable = try Huffman(lengths: codeLengths)
    var lengths: [Int] = []
    while lengths.count < literalCount + distanceCount {
      let symbol = try decode(codeTable)
      switch symbol {
      case 0..<16: lengths.append(symbol)
      case 16:
        guard let previous = lengths.last else { throw Failure.malformed }
        lengths += [Int](repeating: previous, count: 3 + (try bits(2)))
      case 17: lengths += [Int](repeating: 0, count: 3 + (try bits(3)))
      default: lengths += [Int](repeating: 0, count: 11 + (try bits(7)))
      }
    }
    guard lengths.count == literalCount + distanceCount else { throw Failure.malformed }
    try codes(
      try Huffman(lengths: Array(lengths[0..<literalCount])),
      try Huffman(lengths: Array(lengths[literalCount...])))
  }

  private mutating func codes(_ literals: Huffman, _ distances: Huffman) throws {
    while true {
      sinceCheck += 1
      if sinceCheck == 1 << 16 {
        sinceCheck = 0
        try cancellation.check()
      }
      let symbol = try decode(literals)
      if symbol < 256 {
        guard output.count < limit else { throw Failure.tooLarge }
        output.append(UInt8(symbol))
      } else if symbol == 256 {
        return
      } else {
        let index = symbol - 257
        guard index < 29 else { throw Failure.malformed }
        let length = Self.lengthBase[index] + (try bits(Self.lengthExtra[index]))
        let distanceSymbol = try decode(distances)
        guard distanceSymbol < 30 else { throw Failure.malformed }
        let distance = Self.distanceBase[distanceSymbol] + (try bits(Self.distanceExtra[distanceSymbol]))
        guard distance <= output.count else { throw Failure.malformed }
        guard output.count + length <= limit else { throw Failure.tooLarge }
        let start = output.count - distance
        for offset in 0..<length { output.append(output[start + offset]) }
      }
    }
  }
}
