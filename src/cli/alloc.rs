//! glibc's malloc hands every block over its mmap threshold (128 KiB, adapting up to 32 MiB)
//! back to the kernel when freed, and trims the heap's top once 128 KiB+ is free there. A
//! training step frees and reallocates hundreds of MiB of activations and gradients, so each
//! step paid again for page faults and the kernel zeroing those pages: a fifth of an inference
//! step's time on flex. Raising both thresholds keeps the pages in the process for reuse.
//! (The browser's wasm heap never shrinks, so it has no such cost.)

/// Called once, before any tensor is allocated.
pub fn keep_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // 32 MiB is glibc's largest mmap threshold: blocks up to there (a [32, 12, 128, 128]
        // attention tensor is 24 MiB) come from the heap; trimming waits for 1 GiB free at its top.
        // SAFETY: mallopt only sets allocator parameters; it returns 0 on a rejected value,
        // which leaves glibc's defaults (slower, still correct).
        unsafe {
            libc::mallopt(libc::M_MMAP_THRESHOLD, 32 << 20);
            libc::mallopt(libc::M_TRIM_THRESHOLD, 1 << 30);
        }
    }
}
