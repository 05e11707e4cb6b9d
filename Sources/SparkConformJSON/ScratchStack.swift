/// The parser's stack of finished children of the containers still open.
/// Children are moved (not copied) into their container's array when it
/// closes, so each array is allocated once at its exact size and nothing is
/// retained twice. Manually managed: the owner calls `release()` once.
struct ScratchStack<Element> {
    private var storage: UnsafeMutablePointer<Element>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int) {
        self.capacity = capacity
        storage = .allocate(capacity: capacity)
    }

    mutating func push(_ element: consuming Element) {
        if count == capacity {
            let larger = UnsafeMutablePointer<Element>.allocate(capacity: capacity * 2)
            larger.moveInitialize(from: storage, count: count)
            storage.deallocate()
            storage = larger
            capacity *= 2
        }
        (storage + count).initialize(to: element)
        count += 1
    }

    /// Element `index`, counted from the bottom of the stack.
    subscript(index: Int) -> Element {
        get { storage[index] }
        set { storage[index] = newValue }
    }

    /// Moves the elements from `first` to the top into a new array.
    mutating func popArray(from first: Int) -> [Element] {
        let moved = count - first
        count = first
        // Reserve-and-append, not `init(unsafeUninitializedCapacity:)`: that one allocates
        // through an unspecialised stdlib path that looks the array's storage type up in
        // the runtime's metadata cache on every call (~600 instructions, callgrind).
        var array: [Element] = []
        array.reserveCapacity(moved)
        for index in first..<(first + moved) { array.append((storage + index).move()) }
        return array
    }

    func release() {
        storage.deinitialize(count: count)
        storage.deallocate()
    }
}
