package org.pgkernel.sql.internal.types;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class TypeIOTest {
    @Test
    void floats_print_shortest_round_trip_with_postgres_exponent_format() {
        assertEquals("0.1", TypeIO.formatFloat8(0.1, 1));
        assertEquals("100000000000000", TypeIO.formatFloat8(1e14, 1));
        assertEquals("1e+15", TypeIO.formatFloat8(1e15, 1));
        assertEquals("1.5e-05", TypeIO.formatFloat8(1.5e-5, 1));
        assertEquals("0.30000000000000004", TypeIO.formatFloat8(0.1 + 0.2, 1));
        assertEquals("0.3", TypeIO.formatFloat8(0.1 + 0.2, 0));
        assertEquals("-Infinity", TypeIO.formatFloat8(Double.NEGATIVE_INFINITY, 1));
        assertEquals("1e+06", TypeIO.formatFloat4(1e6f, 1));
    }

    @Test
    void numeric_binary_round_trips_in_base_10000() {
        for (String s : new String[] {"0", "1.3456", "-12345678.9", "0.0001", "10000", "123.450"}) {
            BigDecimal v = new BigDecimal(s);
            assertEquals(v, TypeIO.numericRecv(ByteBuffer.wrap(TypeIO.numericSend(v))), s);
        }
    }

    @Test
    void interval_styles_print_as_postgres() {
        Interval iv = DateTimes.parseInterval("-1 year -2 mons +3 days -04:05:06", FormatSettings.DEFAULT);
        FormatSettings f = FormatSettings.DEFAULT;
        assertEquals("-1 years -2 mons +3 days -04:05:06", DateTimes.formatInterval(iv, f));
        assertEquals("@ 1 year 2 mons -3 days 4 hours 5 mins 6 secs ago", DateTimes.formatInterval(iv,
                new FormatSettings("ISO", "MDY", "postgres_verbose", ZoneId.of("UTC"), 1, true)));
        assertEquals("-1-2 +3 -4:05:06", DateTimes.formatInterval(iv,
                new FormatSettings("ISO", "MDY", "sql_standard", ZoneId.of("UTC"), 1, true)));
        assertEquals("P-1Y-2M3DT-4H-5M-6S", DateTimes.formatInterval(iv,
                new FormatSettings("ISO", "MDY", "iso_8601", ZoneId.of("UTC"), 1, true)));
        assertEquals("1 day 12:00:00", DateTimes.formatInterval(DateTimes.parseInterval("1.5 days", f), f));
        assertEquals("00:00:00", DateTimes.formatInterval(new Interval(0, 0, 0), f));
    }

    @Test
    void dates_follow_datestyle_on_output_and_field_order_on_input() {
        FormatSettings sqlDmy = FormatSettings.of("SQL, DMY", null, "UTC", "1", "hex");
        java.time.LocalDate d = DateTimes.parseDate("01/03/2020", sqlDmy, java.time.Instant.EPOCH);
        assertEquals("01/03/2020", DateTimes.formatDate(d, sqlDmy));
        assertEquals(3, d.getMonthValue());
        FormatSettings pg = FormatSettings.of("Postgres, MDY", null, "Europe/Paris", "1", "hex");
        java.time.Instant t = DateTimes.parseTimestamptz("2020-03-01 12:00:00+00", pg, java.time.Instant.EPOCH);
        assertEquals("Sun Mar 01 13:00:00 2020 CET", DateTimes.formatTimestamptz(t, pg));
        assertEquals("2020-03-01 13:00:00+01", DateTimes.formatTimestamptz(t, FormatSettings.of("ISO", null, "Europe/Paris", "1", "hex")));
    }

    private static byte[] int8(long v) { return ByteBuffer.allocate(8).putLong(v).array(); }

    private static void assertOutOfRange(String message, PgType type, byte[] data) {
        org.pgkernel.kernel.api.PgException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.pgkernel.kernel.api.PgException.class, () -> TypeIO.fromBinary(type, data, FormatSettings.DEFAULT));
        assertEquals(org.pgkernel.kernel.api.SqlState.DATETIME_FIELD_OVERFLOW, e.sqlState());
        assertEquals(message, e.getMessage());
    }

    @Test
    void binary_datetimes_outside_postgres_ranges_are_22008_not_a_crash() {
        assertOutOfRange("time out of range", PgType.TIME, int8(2056258666383557552L));
        assertOutOfRange("time out of range", PgType.TIME, int8(-1));
        assertEquals(java.time.LocalTime.MAX, TypeIO.fromBinary(PgType.TIME, int8(86_400_000_000L), FormatSettings.DEFAULT));
        assertOutOfRange("timestamp out of range", PgType.TIMESTAMP, int8(9223371331200000000L));
        assertOutOfRange("timestamp out of range", PgType.TIMESTAMPTZ, int8(-211813488000000001L));
        assertOutOfRange("date out of range", PgType.DATE, ByteBuffer.allocate(4).putInt(-2451546).array());
        assertEquals(java.time.LocalDate.of(2000, 1, 2),
                TypeIO.fromBinary(PgType.DATE, ByteBuffer.allocate(4).putInt(1).array(), FormatSettings.DEFAULT));
    }
}
