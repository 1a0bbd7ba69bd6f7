// Process-wide heap tuning for the front ends (surge, surge-sim, surge-mpi, the workbench, benchmarks).
#pragma once

namespace surge {

/// Keeps up to 64 MiB of freed heap in the process instead of handing it back to the kernel at once.
/// The analytic planner's searches rerun the analysis a few dozen times, each allocating and freeing about
/// a megabyte of grid vectors; with glibc's defaults the freed top of the heap goes back to the kernel
/// after each rerun and the next one page-faults it in again, which was about 40% of `surge analyze`'s
/// time. Call once at the start of main. No effect beyond glibc.
void keep_freed_heap();

}  // namespace surge
