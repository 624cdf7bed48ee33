package org.pgkernel.kernel.spi.guc;

/** One row of pg_file_settings. */
public record FileSetting(String sourcefile, Integer sourceline, int seqno, String name,
                          String setting, boolean applied, String error) {
}
