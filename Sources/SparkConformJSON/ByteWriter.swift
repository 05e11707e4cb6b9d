/// The writers' output buffer: an append is a capacity check and a store.
/// (`[UInt8]` pays a uniqueness check, a runtime call, on every append:
/// about a third of writing a patch, callgrind.) Not copyable, so the one
/// owner frees the bytes; `finish()` hands them over as an array.
public struct ByteWriter: ~Copyable {
    @usableFromInline var storage: UnsafeMutablePointer<UInt8>
    @usableFromInline var capacity: Int
    /// Bytes written so far.
    @usableFromInline var written = 0
    public var count: Int { written }

    public init(capacity: Int) {
        self.capacity = max(capacity, 16)
        storage = .allocate(capacity: self.capacity)
    }

    deinit { storage.deallocate() }

    /// Room for `extra` more bytes.
    @inlinable @inline(__always)
    mutating func reserve(_ extra: Int) {
        if written + extra > capacity { grow(to: written + extra) }
    }

    @usableFromInline
    mutating func grow(to needed: Int) {
        var larger = capacity * 2
        while larger < needed { larger *= 2 }
        let moved = UnsafeMutablePointer<UInt8>.allocate(capacity: larger)
        moved.initialize(from: storage, count: written)
        storage.deallocate()
        storage = moved
        capacity = larger
    }

    @inlinable @inline(__always)
    public mutating func append(_ byte: UInt8) {
        reserve(1)
        storage[written] = byte
        written += 1
    }

    public mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        reserve(bytes.count)
        (storage + written).initialize(from: base, count: bytes.count)
        written += bytes.count
    }

    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBufferPointer { append($0) }
    }

    public mutating func append(_ literal: StaticString) {
        append(UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount))
    }

    public mutating func append(_ byte: UInt8, repeating count: Int) {
        reserve(count)
        (storage + written).initialize(repeating: byte, count: count)
        written += count
    }

    /// Appends `length` bytes that `fill` writes in place.
    public mutating func append(length: Int, _ fill: (UnsafeMutableRawPointer) -> Void) {
        reserve(length)
        fill(UnsafeMutableRawPointer(storage + written))
        written += length
    }

    /// The bytes written so far, borrowed.
    public func withBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) -> Result) -> Result {
        body(UnsafeBufferPointer(start: storage, count: written))
    }

    /// The bytes written, as an array; the buffer is freed.
    public consuming func finish() -> [UInt8] {
        let bytes = Array(UnsafeBufferPointer(start: storage, count: written))
        storage.deallocate()
        discard self
        return bytes
    }
}
