/// The writers' output buffer: an append is a capacity check and a store.
/// (`[UInt8]` pays a uniqueness check, a runtime call, on every append:
/// about a third of writing a patch, callgrind.) Not copyable, so the one
/// owner frees the bytes; `finish()` hands them over as an array.
struct ByteWriter: ~Copyable {
    private var storage: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        storage = .allocate(capacity: self.capacity)
    }

    deinit { storage.deallocate() }

    /// Room for `extra` more bytes.
    @inline(__always)
    private mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    private mutating func grow(to needed: Int) {
        var larger = capacity * 2
        while larger < needed { larger *= 2 }
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.initialize(from: storage, count: count)
        storage.deallocate()
        storage = moved
        capacity = larger
    }

    @inline(__always)
    mutating func append(_ byte: UInt8) {
        reserve(1)
        storage[count] = byte
        count += 1
    }

    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (storage + count).initialize(from: base, count: bytes.count)
        count += bytes.count
    }

    mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    mutating func append(_ literal: StaticString) {
        append(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    mutating func append(_ byte: UInt8, repeating count: Int) {
        reserve(count)
        (storage + self.count).initialize(repeating: byte, count: count)
        self.count += count
    }

    /// Appends `length` bytes that `fill` writes in place.
    mutating func append(length: Int, _ fill: (UnsafeMutableRawPointer) -> Void) {
        reserve(length)
        fill(UnsafeMutableRawPointer(storage + count))
        count += length
    }

    /// The bytes written so far, borrowed.
    func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        body(UnsafeBufferPointer(start: storage, count: count))
    }

    /// The bytes written, as an array; the buffer is freed.
    consuming func finish() -> [UInt8] {
        let bytes = Array(UnsafeBufferPointer(start: storage, count: count))
        storage.deallocate()
        discard self
        return bytes
    }
}
