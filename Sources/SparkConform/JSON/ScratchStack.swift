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
        return [Element](unsafeUninitializedCapacity: moved) { target, initialized in
            target.baseAddress!.moveInitialize(from: storage + first, count: moved)
            initialized = moved
        }
    }

    func release() {
        storage.deinitialize(count: count)
        storage.deallocate()
    }
}
