package org.pgkernel.kernel.spi.guc;

import java.util.List;

/**
 * A setting's definition: what pg_settings shows of it that does not change at run time.
 * {@code unit} is the base unit of integer/real memory and time settings ("kB", "8kB",
 * "MB", "ms", "s", "min") or null. {@code min}/{@code max} are null for bool, string and
 * enum. {@code report} marks GUC_REPORT settings (sent as ParameterStatus when they change).
 */
public record GucDefinition(
        String name, GucType type, GucContext context, String category, String shortDesc,
        String unit, String bootValue, String min, String max, List<String> enumValues,
        boolean report, boolean superuserOnlyView, AssignHook assignHook) {

    /** Called with the new value (as SHOW would print it) after it is accepted; may be null. */
    @FunctionalInterface
    public interface AssignHook {
        void assigned(String newValue);
    }
}
