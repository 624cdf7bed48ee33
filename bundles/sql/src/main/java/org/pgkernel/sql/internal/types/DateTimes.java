package org.pgkernel.sql.internal.types;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;

/**
 * Date/time input and output with PostgreSQL's rules (datetime.c, docs §8.5 and App. B):
 * DateStyle output styles ISO, SQL, Postgres and German with the MDY/DMY/YMD field order
 * for input; IntervalStyle postgres, postgres_verbose, sql_standard and iso_8601; TimeZone
 * names resolved through java.time (IANA names, UTC offsets).
 *
 * <p>NOTES: infinity is {@link LocalDate#MAX}/{@link LocalDateTime#MAX}/{@link Instant#MAX}
 * (and MIN for -infinity). Values keep microsecond precision; input with more fractional
 * digits is rounded, as PostgreSQL rounds.
 */
public final class DateTimes {
    public static final LocalDate EPOCH_DATE = LocalDate.of(2000, 1, 1);
    public static final LocalDateTime EPOCH = EPOCH_DATE.atStartOfDay();
    public static final long MICROS_PER_SECOND = 1_000_000L;

    private static final String[] MONTHS = {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct",
        "nov", "dec"};
    private static final String[] DAYS = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

    private DateTimes() { }

    // ------------------------------------------------------------------ time zones

    private static final class ZoneNames {
        static final Map<String, String> BY_LOWER = build();

        private static Map<String, String> build() {
            Map<String, String> m = new HashMap<>();
            for (String id : ZoneId.getAvailableZoneIds()) m.put(id.toLowerCase(Locale.ROOT), id);
            return Map.copyOf(m);
        }
    }

    /** A TimeZone setting or zone in input, as PostgreSQL accepts it; null when unknown. */
    public static ZoneId zone(String name) {
        String n = name.trim();
        if (n.isEmpty()) return null;
        String lower = n.toLowerCase(Locale.ROOT);
        switch (lower) {
            case "utc", "gmt", "z", "zulu", "universal", "etc/utc", "uct" -> { return ZoneId.of("UTC"); }
            case "localtime" -> { return ZoneId.systemDefault(); }
            default -> { }
        }
        String id = ZoneNames.BY_LOWER.get(lower);
        if (id != null) return ZoneId.of(id);
        // POSIX-style offsets: "+1", "-05:30"; PostgreSQL's sign convention for bare numbers is ISO (east positive)
        if (lower.matches("[+-]?\\d{1,2}(:\\d{2}(:\\d{2})?)?")) {
            String[] parts = lower.replace("+", "").replace("-", "").split(":");
            int h = Integer.parseInt(parts[0]);
            int m = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            int s = parts.length > 2 ? Integer.parseInt(parts[2]) : 0;
            int total = h * 3600 + m * 60 + s;
            if (lower.startsWith("-")) total = -total;
            if (Math.abs(total) > 15 * 3600) return null;
            // a bare number as a TimeZone setting is hours east of UTC in PostgreSQL's SET TIME ZONE
            return ZoneOffset.ofTotalSeconds(total);
        }
        return switch (lower) {
            case "est" -> ZoneOffset.ofHours(-5);
            case "edt" -> ZoneOffset.ofHours(-4);
            case "cst" -> ZoneOffset.ofHours(-6);
            case "cdt" -> ZoneOffset.ofHours(-5);
            case "mst" -> ZoneOffset.ofHours(-7);
            case "mdt" -> ZoneOffset.ofHours(-6);
            case "pst" -> ZoneOffset.ofHours(-8);
            case "pdt" -> ZoneOffset.ofHours(-7);
            case "cet" -> ZoneOffset.ofHours(1);
            case "cest" -> ZoneOffset.ofHours(2);
            case "eet" -> ZoneOffset.ofHours(2);
            case "eest" -> ZoneOffset.ofHours(3);
            case "bst" -> ZoneOffset.ofHours(1);
            case "jst" -> ZoneOffset.ofHours(9);
            case "msk" -> ZoneOffset.ofHours(3);
            default -> null;
        };
    }

    // ------------------------------------------------------------------ output

    private static String pad(long v, int width) {
        String s = Long.toString(Math.abs(v));
        StringBuilder b = new StringBuilder();
        if (v < 0) b.append('-');
        for (int i = s.length(); i < width; i++) b.append('0');
        return b.append(s).toString();
    }

    /** ".ffffff" without trailing zeros, or "" when there is no fraction. */
    private static String fraction(long micros) {
        if (micros == 0) return "";
        String s = pad(micros, 6);
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '0') end--;
        return "." + s.substring(0, end);
    }

    private static String yearText(int year) { return pad(year > 0 ? year : 1 - year, 4); }

    private static String bc(int year) { return year > 0 ? "" : " BC"; }

    public static String formatDate(LocalDate d, FormatSettings s) {
        if (d.equals(LocalDate.MAX)) return "infinity";
        if (d.equals(LocalDate.MIN)) return "-infinity";
        String y = yearText(d.getYear());
        String m = pad(d.getMonthValue(), 2);
        String dd = pad(d.getDayOfMonth(), 2);
        String core = switch (s.dateStyle()) {
            case "SQL" -> s.dateOrder().equals("DMY") ? dd + "/" + m + "/" + y : m + "/" + dd + "/" + y;
            case "German" -> dd + "." + m + "." + y;
            case "Postgres" -> s.dateOrder().equals("DMY") ? dd + "-" + m + "-" + y : m + "-" + dd + "-" + y;
            default -> y + "-" + m + "-" + dd;
        };
        return core + bc(d.getYear());
    }

    public static String formatTime(LocalTime t) {
        return pad(t.getHour(), 2) + ":" + pad(t.getMinute(), 2) + ":" + pad(t.getSecond(), 2)
                + fraction(t.getNano() / 1000);
    }

    private static String offset(int totalSeconds) {
        String sign = totalSeconds < 0 ? "-" : "+";
        int a = Math.abs(totalSeconds);
        String r = sign + pad(a / 3600, 2);
        if (a % 3600 != 0) r += ":" + pad((a / 60) % 60, 2);
        if (a % 60 != 0) r += ":" + pad(a % 60, 2);
        return r;
    }

    private static String abbreviation(ZonedDateTime z) {
        String abbr = z.getZone() instanceof ZoneOffset ? null
                : java.time.format.DateTimeFormatter.ofPattern("zzz", Locale.ENGLISH).format(z);
        if (abbr == null || abbr.startsWith("GMT+") || abbr.startsWith("GMT-") || abbr.startsWith("UTC+")
                || abbr.startsWith("UTC-")) {
            return offset(z.getOffset().getTotalSeconds());
        }
        return abbr;
    }

    /** timestamp (without zone) or timestamptz shown in zone; {@code zone} null for timestamp. */
    private static String formatDateTime(LocalDateTime t, ZonedDateTime zoned, FormatSettings s) {
        int year = t.getYear();
        String y = yearText(year);
        String m = pad(t.getMonthValue(), 2);
        String d = pad(t.getDayOfMonth(), 2);
        String time = formatTime(t.toLocalTime());
        String result = switch (s.dateStyle()) {
            case "SQL" -> (s.dateOrder().equals("DMY") ? d + "/" + m : m + "/" + d) + "/" + y + " " + time
                    + (zoned != null ? " " + abbreviation(zoned) : "");
            case "German" -> d + "." + m + "." + y + " " + time + (zoned != null ? " " + abbreviation(zoned) : "");
            case "Postgres" -> {
                String dow = t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
                String mon = t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH);
                String md = s.dateOrder().equals("DMY") ? d + " " + mon : mon + " " + d;
                yield dow + " " + md + " " + time + " " + y + (zoned != null ? " " + abbreviation(zoned) : "");
            }
            default -> y + "-" + m + "-" + d + " " + time + (zoned != null ? offset(zoned.getOffset().getTotalSeconds()) : "");
        };
        return result + bc(year);
    }

    public static String formatTimestamp(LocalDateTime t, FormatSettings s) {
        if (t.equals(LocalDateTime.MAX)) return "infinity";
        if (t.equals(LocalDateTime.MIN)) return "-infinity";
        return formatDateTime(t, null, s);
    }

    public static String formatTimestamptz(Instant i, FormatSettings s) {
        if (i.equals(Instant.MAX)) return "infinity";
        if (i.equals(Instant.MIN)) return "-infinity";
        ZonedDateTime z = i.atZone(s.timeZone());
        return formatDateTime(z.toLocalDateTime(), z, s);
    }

    /** Interval output per IntervalStyle (cf. EncodeInterval()). */
    public static String formatInterval(Interval iv, FormatSettings s) {
        int year = iv.months() / 12;
        int mon = iv.months() % 12;
        int day = iv.days();
        long time = iv.micros();
        long hour = time / 3_600_000_000L;
        time -= hour * 3_600_000_000L;
        long min = time / 60_000_000L;
        time -= min * 60_000_000L;
        long sec = time / 1_000_000L;
        long fsec = time - sec * 1_000_000L;
        return switch (s.intervalStyle()) {
            case "postgres_verbose" -> verbose(year, mon, day, hour, min, sec, fsec);
            case "sql_standard" -> sqlStandard(year, mon, day, hour, min, sec, fsec);
            case "iso_8601" -> iso(year, mon, day, hour, min, sec, fsec);
            default -> postgres(year, mon, day, hour, min, sec, fsec);
        };
    }

    private static String seconds(long sec, long fsec, boolean padTwo) {
        boolean neg = sec < 0 || fsec < 0;
        String whole = padTwo ? pad(Math.abs(sec), 2) : Long.toString(Math.abs(sec));
        return (neg ? "-" : "") + whole + fraction(Math.abs(fsec));
    }

    private static String postgres(int year, int mon, int day, long hour, long min, long sec, long fsec) {
        StringBuilder b = new StringBuilder();
        boolean isBefore = false;
        boolean isZero = true;
        long[] vals = {year, mon, day};
        String[] units = {"year", "mon", "day"};
        for (int i = 0; i < 3; i++) {
            long v = vals[i];
            if (v == 0) continue;
            if (!isZero) b.append(' ');
            b.append(isBefore && v > 0 ? "+" : "").append(v).append(' ').append(units[i]).append(v != 1 ? "s" : "");
            isBefore = v < 0;
            isZero = false;
        }
        if (isZero || hour != 0 || min != 0 || sec != 0 || fsec != 0) {
            boolean minus = hour < 0 || min < 0 || sec < 0 || fsec < 0;
            if (!isZero) b.append(' ');
            b.append(minus ? "-" : (isBefore ? "+" : "")).append(pad(Math.abs(hour), 2)).append(':')
                    .append(pad(Math.abs(min), 2)).append(':').append(seconds(Math.abs(sec), Math.abs(fsec), true));
        }
        return b.toString();
    }

    private static String verbose(int year, int mon, int day, long hour, long min, long sec, long fsec) {
        StringBuilder b = new StringBuilder("@");
        boolean[] state = {false, true}; // isBefore, isZero
        verbosePart(b, year, "year", state);
        verbosePart(b, mon, "mon", state);
        verbosePart(b, day, "day", state);
        verbosePart(b, hour, "hour", state);
        verbosePart(b, min, "min", state);
        if (sec != 0 || fsec != 0) {
            long s = sec;
            long f = fsec;
            boolean neg = s < 0 || f < 0;
            if (state[1]) {
                state[0] = neg;
            }
            boolean showNeg = state[0] != neg;
            String text = Math.abs(s) + fraction(Math.abs(f));
            b.append(' ').append(showNeg ? "-" : "").append(text).append(" sec")
                    .append(Math.abs(s) == 1 && f == 0 ? "" : "s");
            state[1] = false;
        }
        if (state[1]) b.append(" 0");
        if (state[0]) b.append(" ago");
        return b.toString();
    }

    private static void verbosePart(StringBuilder b, long value, String unit, boolean[] state) {
        if (value == 0) return;
        if (state[1]) {
            state[0] = value < 0;
            value = Math.abs(value);
        } else if (state[0]) {
            value = -value;
        }
        b.append(' ').append(value).append(' ').append(unit).append(Math.abs(value) != 1 ? "s" : "");
        state[1] = false;
    }

    private static String sqlStandard(int year, int mon, int day, long hour, long min, long sec, long fsec) {
        boolean hasNeg = year < 0 || mon < 0 || day < 0 || hour < 0 || min < 0 || sec < 0 || fsec < 0;
        boolean hasPos = year > 0 || mon > 0 || day > 0 || hour > 0 || min > 0 || sec > 0 || fsec > 0;
        boolean hasYearMonth = year != 0 || mon != 0;
        boolean hasDayTime = day != 0 || hour != 0 || min != 0 || sec != 0 || fsec != 0;
        boolean hasDay = day != 0;
        boolean standard = !(hasNeg && hasPos) && !(hasYearMonth && hasDayTime);
        String secs = pad(Math.abs(sec), 2) + fraction(Math.abs(fsec));
        if (!hasNeg && !hasPos) return "0";
        if (!standard) {
            char ys = year < 0 || mon < 0 ? '-' : '+';
            char ds = day < 0 ? '-' : '+';
            char ss = hour < 0 || min < 0 || sec < 0 || fsec < 0 ? '-' : '+';
            return "" + ys + Math.abs(year) + "-" + Math.abs(mon) + " " + ds + Math.abs(day) + " " + ss
                    + Math.abs(hour) + ":" + pad(Math.abs(min), 2) + ":" + secs;
        }
        String sign = hasNeg ? "-" : "";
        if (hasYearMonth) return sign + Math.abs(year) + "-" + Math.abs(mon);
        if (hasDay) return sign + Math.abs(day) + " " + Math.abs(hour) + ":" + pad(Math.abs(min), 2) + ":" + secs;
        return sign + Math.abs(hour) + ":" + pad(Math.abs(min), 2) + ":" + secs;
    }

    private static String iso(int year, int mon, int day, long hour, long min, long sec, long fsec) {
        if (year == 0 && mon == 0 && day == 0 && hour == 0 && min == 0 && sec == 0 && fsec == 0) return "PT0S";
        StringBuilder b = new StringBuilder("P");
        if (year != 0) b.append(year).append('Y');
        if (mon != 0) b.append(mon).append('M');
        if (day != 0) b.append(day).append('D');
        if (hour != 0 || min != 0 || sec != 0 || fsec != 0) {
            b.append('T');
            if (hour != 0) b.append(hour).append('H');
            if (min != 0) b.append(min).append('M');
            if (sec != 0 || fsec != 0) b.append(seconds(sec, fsec, false)).append('S');
        }
        return b.toString();
    }

    // ------------------------------------------------------------------ input

    private static PgException badInput(String type, String text) {
        return PgException.error(SqlState.INVALID_DATETIME_FORMAT, "invalid input syntax for type %s: \"%s\"", type, text);
    }

    private static PgException outOfRange(String type, String text) {
        return PgException.error(SqlState.DATETIME_FIELD_OVERFLOW, "date/time field value out of range: \"%s\"", text);
    }

    /** The pieces of a parsed date/time string. */
    private static final class Fields {
        Integer year;
        Integer month;
        Integer day;
        LocalTime time;
        ZoneId zone;
        boolean bc;
        String special;
    }

    private static int monthIndex(String w) {
        if (w.length() < 3) return -1;
        for (int i = 0; i < 12; i++) {
            if (w.startsWith(MONTHS[i]) && java.time.Month.of(i + 1).name().toLowerCase(Locale.ROOT).startsWith(w.replace(".", ""))) {
                return i + 1;
            }
        }
        if (w.equals("sept")) return 9;
        return -1;
    }

    private static boolean isWeekday(String w) {
        if (w.length() < 3) return false;
        for (int i = 0; i < 7; i++) {
            if (w.startsWith(DAYS[i]) && DayOfWeek.of(i + 1).name().toLowerCase(Locale.ROOT).startsWith(w.replace(".", ""))) {
                return true;
            }
        }
        return false;
    }

    private static Fields parseFields(String text, String type, FormatSettings s, boolean wantDate) {
        String in = text.trim().toLowerCase(Locale.ROOT);
        Fields f = new Fields();
        if (in.isEmpty()) throw badInput(type, text);
        switch (in) {
            case "infinity", "+infinity", "-infinity", "epoch", "now", "today", "tomorrow", "yesterday", "allballs" -> {
                f.special = in.replace("+", "");
                return f;
            }
            default -> { }
        }
        // ISO 8601 "T" separator
        in = in.replaceFirst("^(\\d{4}-\\d{1,2}-\\d{1,2})t(\\d)", "$1 $2");
        List<String> tokens = new ArrayList<>();
        for (String t : in.split("[\\s,]+")) {
            if (!t.isEmpty()) tokens.add(t);
        }
        List<Integer> numbers = new ArrayList<>();
        List<String> numberTexts = new ArrayList<>();
        Integer textMonth = null;
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (t.indexOf(':') > 0 && Character.isDigit(t.charAt(0))) {
                int cut = -1;
                for (int k = 1; k < t.length(); k++) {
                    char c = t.charAt(k);
                    if (c == '+' || c == '-' || c == 'z' || Character.isLetter(c)) {
                        cut = k;
                        break;
                    }
                }
                String timePart = cut < 0 ? t : t.substring(0, cut);
                f.time = parseTimeText(timePart, type, text);
                if (cut >= 0) {
                    String zonePart = t.substring(cut);
                    if (zonePart.equals("am") || zonePart.equals("pm")) {
                        f.time = ampm(f.time, zonePart, type, text);
                    } else {
                        f.zone = zoneOrThrow(zonePart, type, text);
                    }
                }
            } else if ((t.startsWith("+") || t.startsWith("-")) && t.length() > 1 && Character.isDigit(t.charAt(1))
                    && f.time != null) {
                f.zone = zoneOrThrow(t, type, text);
            } else if (t.matches("\\d+[-/.]\\d+([-/.]\\d+)?") || t.matches("\\d+[-/.][a-z]+[-/.]\\d+")
                    || t.matches("[a-z]+[-/.]\\d+[-/.]\\d+")) {
                String[] parts = t.split("[-/.]");
                dateFromParts(f, parts, t.matches("\\d{4}.*"), s, type, text);
            } else if (t.matches("\\d+(\\.\\d+)?")) {
                if (t.contains(".")) throw badInput(type, text);
                numbers.add(Integer.valueOf(t.length() > 9 ? "0" : t));
                numberTexts.add(t);
            } else if (t.equals("am") || t.equals("pm")) {
                if (f.time == null) throw badInput(type, text);
                f.time = ampm(f.time, t, type, text);
            } else if (t.equals("bc")) {
                f.bc = true;
            } else if (t.equals("ad")) {
                f.bc = false;
            } else if (t.equals("z") || t.equals("utc") || t.equals("gmt") || t.equals("zulu")) {
                f.zone = ZoneOffset.UTC;
            } else if (monthIndex(t) > 0 && textMonth == null) {
                textMonth = monthIndex(t);
            } else if (isWeekday(t)) {
                continue;
            } else if (t.equals("allballs")) {
                f.time = LocalTime.MIDNIGHT;
            } else if (zone(t) != null && !t.matches("\\d+")) {
                f.zone = zone(t);
            } else {
                throw badInput(type, text);
            }
        }
        if (textMonth != null) {
            if (f.month != null) throw badInput(type, text);
            f.month = textMonth;
            // remaining numbers: day and year in the order written (a 3+ digit number is the year)
            for (int i = 0; i < numbers.size(); i++) {
                int n = numbers.get(i);
                if (numberTexts.get(i).length() >= 3 || (f.day != null && f.year == null)) {
                    if (f.year != null) throw badInput(type, text);
                    f.year = n;
                } else if (f.day == null) {
                    f.day = n;
                } else {
                    throw badInput(type, text);
                }
            }
        } else if (!numbers.isEmpty()) {
            if (numbers.size() == 1 && f.year == null && numberTexts.get(0).length() == 8) {
                String d = numberTexts.get(0);
                f.year = Integer.parseInt(d.substring(0, 4));
                f.month = Integer.parseInt(d.substring(4, 6));
                f.day = Integer.parseInt(d.substring(6, 8));
            } else if (numbers.size() == 1 && f.year == null && f.month != null && f.day != null) {
                f.year = numbers.get(0);
            } else {
                throw badInput(type, text);
            }
        }
        if (f.year != null && f.bc) f.year = 1 - f.year;
        if (wantDate && f.year == null) throw badInput(type, text);
        return f;
    }

    private static ZoneId zoneOrThrow(String z, String type, String text) {
        String t = z;
        if (t.matches("[+-]\\d{3,4}")) {
            String digits = t.substring(1);
            if (digits.length() == 3) digits = "0" + digits;
            t = t.charAt(0) + digits.substring(0, 2) + ":" + digits.substring(2);
        }
        ZoneId zone = zone(t);
        if (zone == null) {
            throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "time zone \"%s\" not recognized", z);
        }
        return zone;
    }

    private static LocalTime ampm(LocalTime t, String w, String type, String text) {
        int h = t.getHour();
        if (h > 12 || h == 0) throw outOfRange(type, text);
        if (w.equals("am") && h == 12) return t.withHour(0);
        if (w.equals("pm") && h != 12) return t.withHour(h + 12);
        return t;
    }

    private static void dateFromParts(Fields f, String[] parts, boolean yearFirst, FormatSettings s, String type,
                                      String text) {
        if (parts.length != 3) throw badInput(type, text);
        int[] n = new int[3];
        Integer mon = null;
        int monPos = -1;
        for (int i = 0; i < 3; i++) {
            if (parts[i].matches("\\d+")) {
                n[i] = Integer.parseInt(parts[i].length() > 9 ? "0" : parts[i]);
            } else {
                int m = monthIndex(parts[i]);
                if (m < 0) throw badInput(type, text);
                mon = m;
                monPos = i;
            }
        }
        if (mon != null) {
            f.month = mon;
            if (monPos == 1) {
                if (parts[0].length() >= 3) {
                    f.year = n[0];
                    f.day = n[2];
                } else {
                    f.day = n[0];
                    f.year = n[2];
                }
            } else {
                f.day = n[1];
                f.year = n[2];
            }
        } else if (yearFirst || s.dateOrder().equals("YMD") && parts[0].length() > 2) {
            f.year = n[0];
            f.month = n[1];
            f.day = n[2];
        } else if (s.dateOrder().equals("DMY")) {
            f.day = n[0];
            f.month = n[1];
            f.year = n[2];
        } else if (s.dateOrder().equals("YMD")) {
            f.year = n[0];
            f.month = n[1];
            f.day = n[2];
        } else {
            f.month = n[0];
            f.day = n[1];
            f.year = n[2];
        }
        if (parts[yearFirst ? 0 : 2].length() <= 2 && mon == null && !yearFirst) {
            // two-digit years: 70-99 → 19xx, 00-69 → 20xx
            f.year = f.year < 70 ? 2000 + f.year : (f.year < 100 ? 1900 + f.year : f.year);
        }
    }

    private static LocalTime parseTimeText(String t, String type, String text) {
        String[] parts = t.split(":");
        if (parts.length < 2 || parts.length > 3) throw badInput(type, text);
        try {
            int h = Integer.parseInt(parts[0]);
            int m = Integer.parseInt(parts[1]);
            BigDecimal sec = parts.length == 3 ? new BigDecimal(parts[2]) : BigDecimal.ZERO;
            if (h == 24 && m == 0 && sec.signum() == 0) return LocalTime.MAX.truncatedTo(ChronoUnit.MICROS);
            long micros = sec.movePointRight(6).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
            if (h < 0 || h > 23 || m < 0 || m > 59 || micros < 0 || micros >= 60_000_000L) {
                throw PgException.error(SqlState.DATETIME_FIELD_OVERFLOW, "date/time field value out of range: \"%s\"", text);
            }
            return LocalTime.of(h, m).plusNanos(micros * 1000);
        } catch (NumberFormatException | ArithmeticException e) {
            throw badInput(type, text);
        }
    }

    private static LocalDate toDate(Fields f, String type, String text) {
        try {
            return LocalDate.of(f.year, f.month, f.day);
        } catch (java.time.DateTimeException e) {
            if (f.month != null && (f.month < 1 || f.month > 12)) {
                throw PgException.error(SqlState.DATETIME_FIELD_OVERFLOW, "date/time field value out of range: \"%s\"", text)
                        .withHint("Perhaps you need a different \"datestyle\" setting.");
            }
            throw PgException.error(SqlState.DATETIME_FIELD_OVERFLOW, "date/time field value out of range: \"%s\"", text);
        }
    }

    public static LocalDate parseDate(String text, FormatSettings s, Instant now) {
        Fields f = parseFields(text, "date", s, false);
        if (f.special != null) {
            LocalDate today = now.atZone(s.timeZone()).toLocalDate();
            return switch (f.special) {
                case "infinity" -> LocalDate.MAX;
                case "-infinity" -> LocalDate.MIN;
                case "epoch" -> LocalDate.of(1970, 1, 1);
                case "today", "now" -> today;
                case "tomorrow" -> today.plusDays(1);
                case "yesterday" -> today.minusDays(1);
                default -> throw badInput("date", text);
            };
        }
        if (f.year == null) throw badInput("date", text);
        return toDate(f, "date", text);
    }

    public static LocalTime parseTime(String text, FormatSettings s, Instant now) {
        Fields f = parseFields(text, "time without time zone", s, false);
        if (f.special != null) {
            return switch (f.special) {
                case "now" -> now.atZone(s.timeZone()).toLocalTime().truncatedTo(ChronoUnit.MICROS);
                case "allballs" -> LocalTime.MIDNIGHT;
                default -> throw badInput("time without time zone", text);
            };
        }
        if (f.time == null) throw badInput("time without time zone", text);
        return f.time;
    }

    public static LocalDateTime parseTimestamp(String text, FormatSettings s, Instant now) {
        String type = "timestamp without time zone";
        Fields f = parseFields(text, type, s, false);
        if (f.special != null) {
            LocalDate today = now.atZone(s.timeZone()).toLocalDate();
            return switch (f.special) {
                case "infinity" -> LocalDateTime.MAX;
                case "-infinity" -> LocalDateTime.MIN;
                case "epoch" -> LocalDateTime.of(1970, 1, 1, 0, 0);
                case "now" -> LocalDateTime.ofInstant(now, s.timeZone()).truncatedTo(ChronoUnit.MICROS);
                case "today" -> today.atStartOfDay();
                case "tomorrow" -> today.plusDays(1).atStartOfDay();
                case "yesterday" -> today.minusDays(1).atStartOfDay();
                default -> throw badInput(type, text);
            };
        }
        if (f.year == null) throw badInput(type, text);
        LocalDate d = toDate(f, type, text);
        return d.atTime(f.time == null ? LocalTime.MIDNIGHT : f.time);
    }

    public static Instant parseTimestamptz(String text, FormatSettings s, Instant now) {
        String type = "timestamp with time zone";
        Fields f = parseFields(text, type, s, false);
        if (f.special != null) {
            return switch (f.special) {
                case "infinity" -> Instant.MAX;
                case "-infinity" -> Instant.MIN;
                case "epoch" -> Instant.EPOCH;
                case "now" -> now.truncatedTo(ChronoUnit.MICROS);
                default -> parseTimestamp(text, s, now).atZone(s.timeZone()).toInstant();
            };
        }
        if (f.year == null) throw badInput(type, text);
        LocalDateTime ldt = toDate(f, type, text).atTime(f.time == null ? LocalTime.MIDNIGHT : f.time);
        return ldt.atZone(f.zone != null ? f.zone : s.timeZone()).toInstant();
    }

    /** Interval input (DecodeInterval / DecodeISO8601Interval). */
    public static Interval parseInterval(String text, FormatSettings s) {
        String in = text.trim().toLowerCase(Locale.ROOT);
        if (in.isEmpty()) throw intervalSyntax(text);
        if (in.startsWith("p")) return parseIsoInterval(in, text);
        boolean ago = false;
        if (in.startsWith("@")) in = in.substring(1).trim();
        if (in.endsWith(" ago") || in.equals("ago")) {
            ago = true;
            in = in.substring(0, in.length() - 3).trim();
        }
        BigDecimal months = BigDecimal.ZERO;
        BigDecimal days = BigDecimal.ZERO;
        BigDecimal micros = BigDecimal.ZERO;
        // split into tokens, separating numbers from unit words ("1day" → "1", "day")
        List<String> tokens = new ArrayList<>();
        for (String t : in.split("[\\s,]+")) {
            if (t.isEmpty()) continue;
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("^([+-]?[\\d.]+)([a-z]+)$").matcher(t);
            if (m.matches()) {
                tokens.add(m.group(1));
                tokens.add(m.group(2));
            } else {
                tokens.add(t);
            }
        }
        boolean sawField = false;
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (t.indexOf(':') >= 0) {
                boolean neg = t.startsWith("-");
                String body = t.replaceFirst("^[+-]", "");
                String[] parts = body.split(":");
                if (parts.length < 2 || parts.length > 3) throw intervalSyntax(text);
                try {
                    BigDecimal h = new BigDecimal(parts[0]);
                    BigDecimal m = new BigDecimal(parts[1]);
                    BigDecimal sec = parts.length == 3 ? new BigDecimal(parts[2]) : BigDecimal.ZERO;
                    BigDecimal v = h.multiply(BigDecimal.valueOf(3_600_000_000L)).add(m.multiply(BigDecimal.valueOf(60_000_000L)))
                            .add(sec.movePointRight(6));
                    micros = micros.add(neg ? v.negate() : v);
                } catch (NumberFormatException e) {
                    throw intervalSyntax(text);
                }
                sawField = true;
                continue;
            }
            BigDecimal value;
            try {
                value = new BigDecimal(t);
            } catch (NumberFormatException e) {
                throw intervalSyntax(text);
            }
            String unit = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
            if (unit != null && unit.indexOf(':') < 0 && !unit.matches("[+-]?[\\d.]+")) {
                i++;
            } else {
                unit = "second";
            }
            sawField = true;
            switch (unit) {
                case "microsecond", "microseconds", "us", "usec", "usecs", "useconds" -> micros = micros.add(value);
                case "millisecond", "milliseconds", "ms", "msec", "msecs", "mseconds" ->
                        micros = micros.add(value.movePointRight(3));
                case "second", "seconds", "s", "sec", "secs" -> micros = micros.add(value.movePointRight(6));
                case "minute", "minutes", "m", "min", "mins" -> micros = micros.add(value.multiply(BigDecimal.valueOf(60_000_000L)));
                case "hour", "hours", "h", "hr", "hrs" -> micros = micros.add(value.multiply(BigDecimal.valueOf(3_600_000_000L)));
                case "day", "days", "d" -> days = days.add(value);
                case "week", "weeks", "w" -> days = days.add(value.multiply(BigDecimal.valueOf(7)));
                case "month", "months", "mon", "mons" -> months = months.add(value);
                case "year", "years", "y", "yr", "yrs" -> months = months.add(value.multiply(BigDecimal.valueOf(12)));
                case "decade", "decades", "dec", "decs" -> months = months.add(value.multiply(BigDecimal.valueOf(120)));
                case "century", "centuries", "c", "cent" -> months = months.add(value.multiply(BigDecimal.valueOf(1200)));
                case "millennium", "millennia", "mil", "mils" -> months = months.add(value.multiply(BigDecimal.valueOf(12000)));
                default -> throw intervalSyntax(text);
            }
        }
        if (!sawField) throw intervalSyntax(text);
        // fractional months cascade into days (30 per month), fractional days into time
        BigDecimal wholeMonths = months.setScale(0, RoundingMode.DOWN);
        days = days.add(months.subtract(wholeMonths).multiply(BigDecimal.valueOf(30)));
        BigDecimal wholeDays = days.setScale(0, RoundingMode.DOWN);
        micros = micros.add(days.subtract(wholeDays).multiply(BigDecimal.valueOf(Interval.MICROS_PER_DAY)));
        try {
            Interval iv = new Interval(wholeMonths.intValueExact(), wholeDays.intValueExact(),
                    micros.setScale(0, RoundingMode.HALF_EVEN).longValueExact());
            return ago ? iv.negate() : iv;
        } catch (ArithmeticException e) {
            throw PgException.error(SqlState.DATETIME_FIELD_OVERFLOW, "interval out of range");
        }
    }

    private static PgException intervalSyntax(String text) {
        return PgException.error(SqlState.INVALID_DATETIME_FORMAT, "invalid input syntax for type interval: \"%s\"", text);
    }

    private static Interval parseIsoInterval(String in, String text) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                "p(?:([+-]?[\\d.]+)y)?(?:([+-]?[\\d.]+)m)?(?:([+-]?[\\d.]+)w)?(?:([+-]?[\\d.]+)d)?"
                        + "(?:t(?:([+-]?[\\d.]+)h)?(?:([+-]?[\\d.]+)m)?(?:([+-]?[\\d.]+)s)?)?").matcher(in);
        if (!m.matches()) throw intervalSyntax(text);
        StringBuilder b = new StringBuilder();
        String[] units = {"year", "month", "week", "day", "hour", "minute", "second"};
        for (int i = 0; i < 7; i++) {
            if (m.group(i + 1) != null) b.append(m.group(i + 1)).append(' ').append(units[i]).append(' ');
        }
        if (b.isEmpty()) return new Interval(0, 0, 0);
        return parseInterval(b.toString(), FormatSettings.DEFAULT);
    }

    // ------------------------------------------------------------------ arithmetic

    /** timestamp + interval: months, then days, then time (timestamp_pl_interval). */
    public static LocalDateTime plus(LocalDateTime t, Interval iv) {
        if (t.equals(LocalDateTime.MAX) || t.equals(LocalDateTime.MIN)) return t;
        return t.plusMonths(iv.months()).plusDays(iv.days()).plus(iv.micros(), ChronoUnit.MICROS);
    }

    /** timestamptz + interval: months and days in the session's zone, then time. */
    public static Instant plus(Instant t, Interval iv, ZoneId zone) {
        if (t.equals(Instant.MAX) || t.equals(Instant.MIN)) return t;
        ZonedDateTime z = t.atZone(zone).plusMonths(iv.months()).plusDays(iv.days());
        return z.toInstant().plus(iv.micros(), ChronoUnit.MICROS);
    }

    /** timestamp - timestamp: days and time, as timestamp_mi() with justify_hours. */
    public static Interval minus(LocalDateTime a, LocalDateTime b) {
        long micros = ChronoUnit.MICROS.between(b, a);
        return justifyHours(new Interval(0, 0, micros));
    }

    public static Interval minus(Instant a, Instant b) {
        long micros = ChronoUnit.MICROS.between(b, a);
        return justifyHours(new Interval(0, 0, micros));
    }

    public static Interval justifyHours(Interval iv) {
        long days = iv.micros() / Interval.MICROS_PER_DAY;
        long rest = iv.micros() - days * Interval.MICROS_PER_DAY;
        int d = Math.toIntExact(iv.days() + days);
        if (d > 0 && rest < 0) {
            rest += Interval.MICROS_PER_DAY;
            d--;
        } else if (d < 0 && rest > 0) {
            rest -= Interval.MICROS_PER_DAY;
            d++;
        }
        return new Interval(iv.months(), d, rest);
    }

    public static long toPgMicros(LocalDateTime t) { return ChronoUnit.MICROS.between(EPOCH, t); }

    public static LocalDateTime fromPgMicros(long micros) { return EPOCH.plus(micros, ChronoUnit.MICROS); }

    public static long toPgMicros(Instant t) {
        return ChronoUnit.MICROS.between(EPOCH.toInstant(ZoneOffset.UTC), t);
    }

    public static Instant instantFromPgMicros(long micros) {
        return EPOCH.toInstant(ZoneOffset.UTC).plus(micros, ChronoUnit.MICROS);
    }
}
