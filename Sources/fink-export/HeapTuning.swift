#if canImport(Glibc)
import CMalloc
#endif

/// Keeps glibc's heap from holding freed answer bodies.
///
/// Each objects answer is a buffer of several megabytes, freed once read. glibc raises its
/// mmap threshold after the first such free, so later bodies come from the heap, and the
/// heap, fragmented by the small allocations between them, is not given back: peak RSS then
/// grows with the export (567 MB for 385k alerts, against 266 MB with a fixed threshold).
/// A fixed threshold keeps large buffers in their own mappings, returned to the system on free.
enum HeapTuning {
    static func returnLargeBuffersToTheSystem() {
        #if canImport(Glibc)
        _ = mallopt(M_MMAP_THRESHOLD, 256 * 1024)
        _ = mallopt(M_TRIM_THRESHOLD, 1024 * 1024)
        #endif
    }
}
