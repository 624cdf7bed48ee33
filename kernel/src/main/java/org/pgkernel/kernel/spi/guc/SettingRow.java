package org.pgkernel.kernel.spi.guc;

/**
 * One row of pg_settings as a session sees it: setting in the base unit (e.g. work_mem
 * "4096" with unit "kB"), the definition's columns, source, and pending_restart.
 */
public record SettingRow(
        String name, String setting, String unit, String category, String shortDesc, String extraDesc,
        String context, String vartype, String source, String minVal, String maxVal, String[] enumVals,
        String bootVal, String resetVal, String sourcefile, Integer sourceline, boolean pendingRestart) {
}
