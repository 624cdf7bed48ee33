package org.pgkernel.sql.internal.types;

import java.time.ZoneId;

/**
 * The session settings that decide how values print and parse (DateStyle, IntervalStyle,
 * TimeZone, extra_float_digits, bytea_output), read once per statement so that a statement
 * sees one consistent set. {@code dateOrder} is "MDY", "DMY" or "YMD".
 */
public record FormatSettings(String dateStyle, String dateOrder, String intervalStyle, ZoneId timeZone,
                             int extraFloatDigits, boolean byteaHex) {

    public static final FormatSettings DEFAULT =
            new FormatSettings("ISO", "MDY", "postgres", ZoneId.of("UTC"), 1, true);

    /** Builds settings from the raw setting texts; unknown or missing values fall back to PostgreSQL's defaults. */
    public static FormatSettings of(String dateStyle, String intervalStyle, String timeZone, String extraFloatDigits,
                                    String byteaOutput) {
        String style = "ISO";
        String order = "MDY";
        if (dateStyle != null) {
            for (String part : dateStyle.split(",")) {
                String w = part.trim().toLowerCase(java.util.Locale.ROOT);
                switch (w) {
                    case "iso" -> style = "ISO";
                    case "sql" -> style = "SQL";
                    case "postgres" -> style = "Postgres";
                    case "german" -> style = "German";
                    case "mdy", "us", "noneuropean", "non-european" -> order = "MDY";
                    case "dmy", "euro", "european" -> order = "DMY";
                    case "ymd" -> order = "YMD";
                    default -> { }
                }
            }
        }
        ZoneId zone = ZoneId.of("UTC");
        if (timeZone != null) {
            ZoneId z = DateTimes.zone(timeZone);
            if (z != null) zone = z;
        }
        int efd = 1;
        try {
            if (extraFloatDigits != null) efd = Integer.parseInt(extraFloatDigits.trim());
        } catch (NumberFormatException e) {
            efd = 1;
        }
        return new FormatSettings(style, order, intervalStyle == null ? "postgres" : intervalStyle.toLowerCase(java.util.Locale.ROOT),
                zone, efd, byteaOutput == null || !byteaOutput.equalsIgnoreCase("escape"));
    }
}
