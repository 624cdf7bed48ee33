package org.pgkernel.kernel.internal.postmaster;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.zip.CRC32C;

/**
 * The cluster state in global/pg_control (cf. pg_control.h DBState): whether the last run
 * ended with a shutdown checkpoint. Until the storage layer owns pg_control, this is all it
 * holds: magic, state, time of the last state change, CRC-32C. Written in place with fsync,
 * small enough (one sector) to be written atomically.
 */
public final class ControlFile {
    public static final int SHUTDOWNED = 1, IN_PRODUCTION = 6, IN_CRASH_RECOVERY = 4;
    private static final int MAGIC = 0x70676B31; // "pgk1"
    private static final int SIZE = 512;

    private final Path file;

    public ControlFile(Path dataDir) { this.file = dataDir.resolve("global").resolve("pg_control"); }

    public record State(int state, Instant time) { }

    /** The recorded state; a missing or corrupt file reads as "in production" (recover). */
    public State read() {
        try {
            byte[] b = Files.readAllBytes(file);
            ByteBuffer bb = ByteBuffer.wrap(b);
            if (b.length < 20 || bb.getInt(0) != MAGIC) return new State(IN_PRODUCTION, Instant.EPOCH);
            CRC32C crc = new CRC32C();
            crc.update(b, 0, 16);
            if ((int) crc.getValue() != bb.getInt(16)) return new State(IN_PRODUCTION, Instant.EPOCH);
            return new State(bb.getInt(4), Instant.ofEpochMilli(bb.getLong(8)));
        } catch (IOException e) {
            return new State(IN_PRODUCTION, Instant.EPOCH);
        }
    }

    public void write(int state) throws IOException {
        ByteBuffer bb = ByteBuffer.allocate(SIZE);
        bb.putInt(0, MAGIC).putInt(4, state).putLong(8, System.currentTimeMillis());
        CRC32C crc = new CRC32C();
        crc.update(bb.array(), 0, 16);
        bb.putInt(16, (int) crc.getValue());
        Files.createDirectories(file.getParent());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(bb, 0);
            ch.force(true);
        }
    }
}
