package org.pgkernel.kernel.internal.shmem;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pgkernel.kernel.spi.shmem.SharedMemory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's shared memory: one POSIX shared-memory file per named segment under
 * /dev/shm ({@code pgkernel.<postmaster pid>.<generation>.<name>}), mapped into the JVM in one
 * shared {@link Arena} per generation, as PostgreSQL's dynamic_shared_memory_type=posix does,
 * so that a process outside the JVM can attach to it. Where /dev/shm is missing or too small
 * the segments are anonymous memory, and the log says so once.
 *
 * <p>A crash restart closes the whole generation's arena (every later access by a process
 * that survived the crash fails instead of reading stale state), unlinks its files and
 * starts a new generation (cf. postmaster.c's reset_shared()).
 */
public final class ShmemSegments implements SharedMemory {
    private static final Logger LOG = LoggerFactory.getLogger(ShmemSegments.class);
    private static final Path SHM_DIR = Path.of("/dev/shm");

    private final long key;
    private int generation;
    private Arena arena;
    private final Map<String, Entry> segments = new LinkedHashMap<>();
    private boolean warnedAnonymous;

    private record Entry(MemorySegment segment, SegmentInfo info, Path file) { }

    public ShmemSegments(long key) {
        this.key = key;
        this.arena = Arena.ofShared();
    }

    /** The key shown on line 7 of postmaster.pid. */
    public long key() { return key; }

    @Override
    public synchronized MemorySegment segment(String name, long size, String owner) {
        Entry e = segments.get(name);
        if (e != null) {
            if (e.info.size() < size) {
                throw new IllegalStateException("shared memory segment \"" + name + "\" exists with a smaller size");
            }
            return e.segment;
        }
        Path file = SHM_DIR.resolve("pgkernel." + key + "." + generation + "." + name);
        MemorySegment seg;
        String backing;
        try {
            if (!Files.isDirectory(SHM_DIR) || Files.getFileStore(SHM_DIR).getUsableSpace() < size) {
                throw new IOException("/dev/shm is missing or too small");
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                seg = ch.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            }
            seg.fill((byte) 0);
            backing = "posix";
        } catch (IOException | UnsupportedOperationException ex) {
            if (!warnedAnonymous) {
                LOG.info("could not create POSIX shared memory segment \"{}\": {}; using anonymous shared memory", file, ex.getMessage());
                warnedAnonymous = true;
            }
            file = null;
            seg = arena.allocate(size, 64);
            backing = "anonymous";
        }
        segments.put(name, new Entry(seg, new SegmentInfo(name, owner, size, backing), file));
        return seg;
    }

    @Override
    public synchronized List<SegmentInfo> segments() {
        List<SegmentInfo> l = new ArrayList<>();
        for (Entry e : segments.values()) l.add(e.info);
        return l;
    }

    /** Drops every segment (crash restart or shutdown); the next request creates a fresh one. */
    public synchronized void reset(boolean forRestart) {
        for (Entry e : segments.values()) {
            if (e.file != null) {
                try {
                    Files.deleteIfExists(e.file);
                } catch (IOException ignored) {
                    // a leftover file in /dev/shm is harmless; the next generation uses another name
                }
            }
        }
        segments.clear();
        Arena old = arena;
        generation++;
        arena = Arena.ofShared();
        try {
            old.close();
        } catch (IllegalStateException busy) {
            // a thread is inside a segment access right now; the arena stays until it is collected
        }
        if (!forRestart) arena.close();
    }
}
