package org.pgkernel.kernel.spi.shmem;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Named shared-memory segments (cf. ShmemInitStruct()): POSIX shared memory files under
 * /dev/shm mapped into the JVM, anonymous memory where /dev/shm is missing or too small.
 * A bundle started late gets its segment at run time. Segments are zeroed when created and
 * re-created (zeroed) after a crash restart.
 */
public interface SharedMemory {

    record SegmentInfo(String name, String owner, long size, String backing) { }

    /** The segment of that name, created with {@code size} bytes on first request. */
    MemorySegment segment(String name, long size, String owner);

    List<SegmentInfo> segments();
}
