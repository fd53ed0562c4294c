#if canImport(Glibc)
import CMalloc
#endif

/// Keeps glibc's heap from holding freed answer bodies, and lets everything smaller reuse it.
///
/// glibc raises its mmap threshold after the first free of a large block, so later blocks of that
/// size come from the heap, which, fragmented by the small allocations between them, is not given
/// back: when answer bodies came from `malloc`, peak RSS grew with the export (567 MB for 385k
/// alerts, against 266 MB with a fixed threshold). Bodies of 2 MiB or more now have mappings of
/// their own (`BodyMappingPool`), so the fixed threshold sits just above them, at 4 MiB: the
/// blocks below it (each request's 512 KiB receive buffer, page and batch buffers, small bodies)
/// reuse the heap's memory instead of a fresh mapping each, whose pages the kernel must fault in
/// and zero, and a virtual machine that gave them back to its host must supply again. At 100k
/// alerts that was 72 MB of fresh mappings per Parquet export (256 KiB threshold) against none.
enum HeapTuning {
    static func returnLargeBuffersToTheSystem() {
        #if canImport(Glibc)
        _ = mallopt(M_MMAP_THRESHOLD, 4 << 20)
        _ = mallopt(M_TRIM_THRESHOLD, 1 << 20)
        #endif
    }
}
