using System;
using System.Runtime.InteropServices;

namespace EffNetGen.Runtime.Platform;

/// <summary>
/// An opt-in glibc allocator setting for batched CPU inference. glibc serves every block of 32 MiB or more (its largest
/// mmap threshold) with a fresh <c>mmap</c> and returns it with <c>munmap</c> on free, so each activation of a batch-8
/// forward pass is mapped, page-faulted in page by page (tens of thousands of faults a pass) and unmapped again.
/// <see cref="KeepFreedMemory"/> makes glibc take large blocks from the heap and never give freed memory back, so the
/// second pass reuses the first pass's pages. It is process-wide and one-way (memory freed later is kept for reuse, the
/// resident set stays at its peak), which is why it is not the default: turn it on in a process that serves models.
/// docs/performance.md measures it.
/// </summary>
public static partial class GlibcHeap
{
    // mallopt parameters (glibc's malloc.h).
    private const int TrimThreshold = -1;  // M_TRIM_THRESHOLD: free memory above this at the heap's top is returned
    private const int MmapMax = -4;        // M_MMAP_MAX: how many blocks may be mmap-ed at once; 0 = none
    private const int DefaultMmapMax = 65536; // glibc's DEFAULT_MMAP_MAX

    /// <summary>Whether <see cref="KeepFreedMemory"/> has been applied in this process.</summary>
    public static bool Applied { get; private set; }

    /// <summary>
    /// Stops glibc from mapping large blocks separately and from trimming the heap (<c>mallopt(M_MMAP_MAX, 0)</c>,
    /// <c>mallopt(M_TRIM_THRESHOLD, INT_MAX)</c>). Returns false, changing nothing, where the C library is not glibc
    /// (Windows, macOS, musl).
    /// </summary>
    public static bool KeepFreedMemory()
    {
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryLoad("libc.so.6", out var libc) || !NativeLibrary.TryGetExport(libc, "mallopt", out _))
        {
            return false;
        }
        if (mallopt(MmapMax, 0) != 1)
        {
            return false;
        }
        if (mallopt(TrimThreshold, int.MaxValue) != 1)
        {
            mallopt(MmapMax, DefaultMmapMax); // all or nothing
            return false;
        }
        Applied = true;
        return true;
    }

    [LibraryImport("libc.so.6")]
    private static partial int mallopt(int parameter, int value);
}
