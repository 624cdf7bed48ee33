package org.pgkernel.kernel.internal.guc;

import java.util.List;

/**
 * The units of integer and real settings and the conversions between them, as guc.c's
 * memory_unit_conversion_table and time_unit_conversion_table define them.
 *
 * <p>A setting has a base unit (pg_settings.unit: "B", "kB", "8kB", "MB", "ms", "s", "min");
 * a value written with another unit is converted to it. Input: a fractional value is first
 * rounded to a whole number of the next smaller unit ("1.5MB" is 1536 kB, "1400us" is 1 ms
 * after the integer rounding). Output (SHOW): an integer is shown in the largest unit that
 * divides it evenly ("4096" kB is "4MB"); a real in the largest unit in which it is whole,
 * else the smallest unit.
 */
final class GucUnits {

    /** One row of a conversion table: {@code unit} expressed in {@code baseUnit} is {@code multiplier}. */
    record Conversion(String unit, String baseUnit, double multiplier) { }

    private static final double KB = 1024;

    /** Ordered from the greatest unit to the smallest within each base unit (the lookups rely on it). */
    private static final List<Conversion> MEMORY = List.of(
            new Conversion("TB", "B", KB * KB * KB * KB),
            new Conversion("GB", "B", KB * KB * KB),
            new Conversion("MB", "B", KB * KB),
            new Conversion("kB", "B", KB),
            new Conversion("B", "B", 1.0),

            new Conversion("TB", "kB", KB * KB * KB),
            new Conversion("GB", "kB", KB * KB),
            new Conversion("MB", "kB", KB),
            new Conversion("kB", "kB", 1.0),
            new Conversion("B", "kB", 1.0 / KB),

            new Conversion("TB", "MB", KB * KB),
            new Conversion("GB", "MB", KB),
            new Conversion("MB", "MB", 1.0),
            new Conversion("kB", "MB", 1.0 / KB),
            new Conversion("B", "MB", 1.0 / (KB * KB)),

            new Conversion("TB", "8kB", KB * KB * KB / 8),
            new Conversion("GB", "8kB", KB * KB / 8),
            new Conversion("MB", "8kB", KB / 8),
            new Conversion("kB", "8kB", 1.0 / 8),
            new Conversion("B", "8kB", 1.0 / (8 * KB)));

    private static final List<Conversion> TIME = List.of(
            new Conversion("d", "ms", 1000.0 * 60 * 60 * 24),
            new Conversion("h", "ms", 1000.0 * 60 * 60),
            new Conversion("min", "ms", 1000.0 * 60),
            new Conversion("s", "ms", 1000.0),
            new Conversion("ms", "ms", 1.0),
            new Conversion("us", "ms", 1.0 / 1000),

            new Conversion("d", "s", 60.0 * 60 * 24),
            new Conversion("h", "s", 60.0 * 60),
            new Conversion("min", "s", 60.0),
            new Conversion("s", "s", 1.0),
            new Conversion("ms", "s", 1.0 / 1000),
            new Conversion("us", "s", 1.0 / (1000 * 1000)),

            new Conversion("d", "min", 60.0 * 24),
            new Conversion("h", "min", 60.0),
            new Conversion("min", "min", 1.0),
            new Conversion("s", "min", 1.0 / 60),
            new Conversion("ms", "min", 1.0 / (1000 * 60)),
            new Conversion("us", "min", 1.0 / (1000 * 1000 * 60)));

    static final String MEMORY_HINT = "Valid units for this parameter are \"B\", \"kB\", \"MB\", \"GB\", and \"TB\".";
    static final String TIME_HINT = "Valid units for this parameter are \"us\", \"ms\", \"s\", \"min\", \"h\", and \"d\".";

    private GucUnits() { }

    static boolean isMemory(String baseUnit) {
        return baseUnit != null && (baseUnit.equals("B") || baseUnit.equals("kB") || baseUnit.equals("MB") || baseUnit.equals("8kB"));
    }

    static boolean isTime(String baseUnit) {
        return baseUnit != null && (baseUnit.equals("ms") || baseUnit.equals("s") || baseUnit.equals("min"));
    }

    private static List<Conversion> table(String baseUnit) {
        return isMemory(baseUnit) ? MEMORY : TIME;
    }

    static String hint(String baseUnit) {
        return isMemory(baseUnit) ? MEMORY_HINT : TIME_HINT;
    }

    /**
     * {@code value} given in {@code unit}, in the base unit (cf. convert_to_base_unit()); NaN
     * when the unit is not one of this base unit's (unit names are case-sensitive).
     */
    static double toBaseUnit(double value, String unit, String baseUnit) {
        List<Conversion> t = table(baseUnit);
        for (int i = 0; i < t.size(); i++) {
            Conversion c = t.get(i);
            if (c.baseUnit().equals(baseUnit) && c.unit().equals(unit)) {
                double converted = value * c.multiplier();
                // round a fractional input such as "30.1GB" to a whole number of the next smaller unit
                if (i + 1 < t.size() && t.get(i + 1).baseUnit().equals(baseUnit)) {
                    double next = t.get(i + 1).multiplier();
                    converted = Math.rint(converted / next) * next;
                }
                return converted;
            }
        }
        return Double.NaN;
    }

    /** SHOW's text for a positive integer in the base unit (cf. convert_int_from_base_unit()). */
    static String formatInt(long baseValue, String baseUnit) {
        for (Conversion c : table(baseUnit)) {
            if (!c.baseUnit().equals(baseUnit)) continue;
            if (c.multiplier() <= 1.0) {
                return (long) Math.rint(baseValue / c.multiplier()) + c.unit();
            }
            if (baseValue % (long) c.multiplier() == 0) {
                return baseValue / (long) c.multiplier() + c.unit();
            }
        }
        return Long.toString(baseValue);
    }

    /** SHOW's text for a positive real in the base unit (cf. convert_real_from_base_unit()). */
    static String formatReal(double baseValue, String baseUnit) {
        double value = baseValue;
        String unit = baseUnit;
        for (Conversion c : table(baseUnit)) {
            if (!c.baseUnit().equals(baseUnit)) continue;
            value = baseValue / c.multiplier();
            unit = c.unit();
            if (value > 0 && Math.abs(Math.rint(value) / value - 1.0) <= 1e-8) break;
        }
        return GucValues.formatDouble(value) + unit;
    }
}
