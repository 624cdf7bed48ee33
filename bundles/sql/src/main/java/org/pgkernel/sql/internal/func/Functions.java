package org.pgkernel.sql.internal.func;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pgkernel.kernel.api.ErrorSeverity;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.ProcSignal;
import org.pgkernel.kernel.api.SqlState;
import org.pgkernel.kernel.api.Latch;
import org.pgkernel.kernel.api.ServerProcess;
import org.pgkernel.sql.api.SessionEnvironment;
import org.pgkernel.sql.internal.exec.BoundExpr.Volatility;
import org.pgkernel.sql.internal.exec.ExecContext;
import org.pgkernel.sql.internal.exec.Exprs.Impl;
import org.pgkernel.sql.internal.types.Casts;
import org.pgkernel.sql.internal.types.DateTimes;
import org.pgkernel.sql.internal.types.Interval;
import org.pgkernel.sql.internal.types.PgType;

/**
 * The built-in scalar functions (pg_proc) and their overloads. A null argument type in a
 * signature accepts any type ("any"/anyelement). Functions that look at the session
 * (version(), current_setting(), pg_sleep() …) get it through the {@link ExecContext}.
 */
public final class Functions {

    /** One overload. {@code variadic}: the last argument type repeats (concat). */
    public record Def(String name, List<PgType> args, PgType result, boolean strict, Volatility volatility, Impl impl,
                      boolean variadic) { }

    private static final Map<String, List<Def>> REGISTRY = build();

    private Functions() { }

    public static List<Def> overloads(String name) { return REGISTRY.getOrDefault(name, List.of()); }

    public static boolean exists(String name) { return REGISTRY.containsKey(name); }

    private static final class Builder {
        final Map<String, List<Def>> m = new HashMap<>();

        void add(String name, PgType result, Volatility v, Impl impl, PgType... args) {
            m.computeIfAbsent(name, k -> new ArrayList<>()).add(new Def(name, java.util.Arrays.asList(args), result, true, v, impl, false));
        }

        void addLax(String name, PgType result, Volatility v, Impl impl, PgType... args) {
            m.computeIfAbsent(name, k -> new ArrayList<>()).add(new Def(name, java.util.Arrays.asList(args), result, false, v, impl, false));
        }

        void addVariadic(String name, PgType result, Volatility v, Impl impl, PgType... args) {
            m.computeIfAbsent(name, k -> new ArrayList<>()).add(new Def(name, java.util.Arrays.asList(args), result, false, v, impl, true));
        }
    }

    private static final Volatility I = Volatility.IMMUTABLE;
    private static final Volatility S = Volatility.STABLE;
    private static final Volatility V = Volatility.VOLATILE;
    private static final PgType ANY = null;

    private static Map<String, List<Def>> build() {
        Builder b = new Builder();
        PgType T = PgType.TEXT;
        PgType I4 = PgType.INT4;
        PgType I8 = PgType.INT8;
        PgType F8 = PgType.FLOAT8;
        PgType N = PgType.NUMERIC;
        PgType B = PgType.BOOL;
        PgType TZ = PgType.TIMESTAMPTZ;
        PgType TS = PgType.TIMESTAMP;

        // --- session and server information
        b.add("version", T, S, (a, c) -> c.env().postmaster().versionString());
        b.add("pg_backend_pid", I4, S, (a, c) -> c.env().process().pid());
        b.add("pg_postmaster_start_time", TZ, S, (a, c) -> c.env().postmaster().startTime());
        b.add("pg_conf_load_time", TZ, S, (a, c) -> c.env().postmaster().settings().confLoadTime());
        b.add("current_setting", T, S, (a, c) -> c.env().settings().currentSetting((String) a[0], false), T);
        b.add("current_setting", T, S, (a, c) -> c.env().settings().currentSetting((String) a[0], (Boolean) a[1]), T, B);
        b.addLax("set_config", T, V, Functions::setConfig, T, T, B);
        b.add("pg_reload_conf", B, V, (a, c) -> {
            c.env().postmaster().requestReload();
            return true;
        });
        b.add("pg_sleep", PgType.VOID, V, Functions::sleep, F8);
        b.add("pg_cancel_backend", B, V, (a, c) -> signal(c, (Integer) a[0], ProcSignal.SIGINT), I4);
        b.add("pg_terminate_backend", B, V, (a, c) -> signal(c, (Integer) a[0], ProcSignal.SIGTERM), I4);
        b.add("pg_terminate_backend", B, V, (a, c) -> {
            if ((Long) a[1] < 0) {
                throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "\"timeout\" must not be negative");
            }
            return signal(c, (Integer) a[0], ProcSignal.SIGTERM);
        }, I4, I8);
        b.add("now", TZ, S, (a, c) -> c.transactionStart());
        b.add("transaction_timestamp", TZ, S, (a, c) -> c.transactionStart());
        b.add("statement_timestamp", TZ, S, (a, c) -> c.statementStart());
        b.add("clock_timestamp", TZ, V, (a, c) -> Instant.now().truncatedTo(ChronoUnit.MICROS));
        b.add("current_database", PgType.NAME, S, (a, c) -> c.env().databaseName());
        b.add("pg_get_userbyid", PgType.NAME, S, (a, c) -> c.env().catalog().role((int) (long) (Long) a[0])
                .map(org.pgkernel.catalog.api.Role::name)
                .orElse("unknown (OID=" + a[0] + ")"), PgType.OID);
        b.add("pg_encoding_to_char", PgType.NAME, I, (a, c) -> org.pgkernel.kernel.api.Encodings.name((Integer) a[0]), I4);
        b.add("pg_char_to_encoding", I4, S, (a, c) -> org.pgkernel.kernel.api.Encodings.number((String) a[0]), PgType.NAME);
        b.add("current_schema", PgType.NAME, S, (a, c) -> "public");
        b.add("inet_server_port", I4, S, (a, c) -> c.env().serverPort());
        b.add("inet_server_addr", PgType.INET, S, (a, c) -> c.env().serverAddress());
        b.add("pg_is_in_recovery", B, V, (a, c) -> false);
        b.addLax("pg_notify", PgType.VOID, V, Functions::pgNotify, T, T);
        b.add("pg_notification_queue_usage", F8, V, (a, c) -> c.env().postmaster().notifications().usage());
        b.addLax("pg_typeof", PgType.NAME, S, (a, c) -> a[0], ANY);

        // --- strings
        b.add("length", I4, I, (a, c) -> ((String) a[0]).codePointCount(0, ((String) a[0]).length()), T);
        b.add("length", I4, I, (a, c) -> ((byte[]) a[0]).length, PgType.BYTEA);
        b.add("char_length", I4, I, (a, c) -> ((String) a[0]).codePointCount(0, ((String) a[0]).length()), T);
        b.add("character_length", I4, I, (a, c) -> ((String) a[0]).codePointCount(0, ((String) a[0]).length()), T);
        b.add("octet_length", I4, I, (a, c) -> ((String) a[0]).getBytes(StandardCharsets.UTF_8).length, T);
        b.add("octet_length", I4, I, (a, c) -> ((byte[]) a[0]).length, PgType.BYTEA);
        b.add("lower", T, I, (a, c) -> ((String) a[0]).toLowerCase(Locale.ROOT), T);
        b.add("upper", T, I, (a, c) -> ((String) a[0]).toUpperCase(Locale.ROOT), T);
        b.add("initcap", T, I, (a, c) -> initcap((String) a[0]), T);
        b.add("repeat", T, I, (a, c) -> {
            int n = (Integer) a[1];
            String s = (String) a[0];
            if (n <= 0) return "";
            if ((long) n * s.length() > (1L << 30) - 1) {
                throw PgException.error(SqlState.PROGRAM_LIMIT_EXCEEDED, "requested length too large");
            }
            return s.repeat(n);
        }, T, I4);
        b.add("substr", T, I, (a, c) -> substring((String) a[0], (Integer) a[1], null), T, I4);
        b.add("substr", T, I, (a, c) -> substring((String) a[0], (Integer) a[1], (Integer) a[2]), T, I4, I4);
        b.add("substring", T, I, (a, c) -> substring((String) a[0], (Integer) a[1], null), T, I4);
        b.add("substring", T, I, (a, c) -> substring((String) a[0], (Integer) a[1], (Integer) a[2]), T, I4, I4);
        b.add("left", T, I, (a, c) -> left((String) a[0], (Integer) a[1]), T, I4);
        b.add("right", T, I, (a, c) -> right((String) a[0], (Integer) a[1]), T, I4);
        b.addVariadic("concat", T, S, (a, c) -> concat(a, 0, "", c), ANY);
        b.addVariadic("concat_ws", T, S, (a, c) -> a[0] == null ? null : concat(a, 1, (String) a[0], c), T, ANY);
        b.add("replace", T, I, (a, c) -> ((String) a[1]).isEmpty() ? a[0] : ((String) a[0]).replace((String) a[1], (String) a[2]), T, T, T);
        b.add("md5", T, I, (a, c) -> md5(((String) a[0]).getBytes(StandardCharsets.UTF_8)), T);
        b.add("md5", T, I, (a, c) -> md5((byte[]) a[0]), PgType.BYTEA);
        b.add("strpos", I4, I, (a, c) -> position((String) a[0], (String) a[1]), T, T);
        b.add("position", I4, I, (a, c) -> position((String) a[0], (String) a[1]), T, T);
        b.add("reverse", T, I, (a, c) -> new StringBuilder((String) a[0]).reverse().toString(), T);
        b.add("btrim", T, I, (a, c) -> trim((String) a[0], " ", true, true), T);
        b.add("btrim", T, I, (a, c) -> trim((String) a[0], (String) a[1], true, true), T, T);
        b.add("ltrim", T, I, (a, c) -> trim((String) a[0], " ", true, false), T);
        b.add("ltrim", T, I, (a, c) -> trim((String) a[0], (String) a[1], true, false), T, T);
        b.add("rtrim", T, I, (a, c) -> trim((String) a[0], " ", false, true), T);
        b.add("rtrim", T, I, (a, c) -> trim((String) a[0], (String) a[1], false, true), T, T);
        b.add("lpad", T, I, (a, c) -> pad((String) a[0], (Integer) a[1], " ", true), T, I4);
        b.add("lpad", T, I, (a, c) -> pad((String) a[0], (Integer) a[1], (String) a[2], true), T, I4, T);
        b.add("rpad", T, I, (a, c) -> pad((String) a[0], (Integer) a[1], " ", false), T, I4);
        b.add("rpad", T, I, (a, c) -> pad((String) a[0], (Integer) a[1], (String) a[2], false), T, I4, T);
        b.add("split_part", T, I, (a, c) -> splitPart((String) a[0], (String) a[1], (Integer) a[2]), T, T, I4);
        b.add("starts_with", B, I, (a, c) -> ((String) a[0]).startsWith((String) a[1]), T, T);
        b.add("ascii", I4, I, (a, c) -> ((String) a[0]).isEmpty() ? 0 : ((String) a[0]).codePointAt(0), T);
        b.add("chr", T, I, (a, c) -> new String(Character.toChars((Integer) a[0])), I4);
        b.add("to_hex", T, I, (a, c) -> Long.toHexString(((Number) a[0]).longValue() & 0xffffffffL), I4);
        b.add("to_hex", T, I, (a, c) -> Long.toHexString((Long) a[0]), I8);
        b.add("quote_ident", T, I, (a, c) -> quoteIdent((String) a[0]), T);
        b.add("quote_literal", T, I, (a, c) -> quoteLiteral((String) a[0]), T);
        b.addLax("quote_nullable", T, I, (a, c) -> a[0] == null ? "NULL" : quoteLiteral((String) a[0]), T);
        b.add("encode", T, I, (a, c) -> encode((byte[]) a[0], (String) a[1]), PgType.BYTEA, T);
        b.add("decode", PgType.BYTEA, I, (a, c) -> decode((String) a[0], (String) a[1]), T, T);

        // --- numbers
        for (PgType t : new PgType[] {PgType.INT2, I4, I8, N, PgType.FLOAT4, F8}) {
            PgType tt = t;
            b.add("abs", t, I, (a, c) -> abs(a[0], tt), t);
        }
        b.add("round", F8, I, (a, c) -> Math.rint((Double) a[0]), F8);
        b.add("round", N, I, (a, c) -> ((BigDecimal) a[0]).setScale(0, RoundingMode.HALF_UP), N);
        b.add("round", N, I, (a, c) -> roundNumeric((BigDecimal) a[0], (Integer) a[1], RoundingMode.HALF_UP), N, I4);
        b.add("trunc", F8, I, (a, c) -> (double) (long) (double) (Double) a[0], F8);
        b.add("trunc", N, I, (a, c) -> ((BigDecimal) a[0]).setScale(0, RoundingMode.DOWN), N);
        b.add("trunc", N, I, (a, c) -> roundNumeric((BigDecimal) a[0], (Integer) a[1], RoundingMode.DOWN), N, I4);
        b.add("ceil", F8, I, (a, c) -> Math.ceil((Double) a[0]), F8);
        b.add("ceil", N, I, (a, c) -> ((BigDecimal) a[0]).setScale(0, RoundingMode.CEILING), N);
        b.add("ceiling", F8, I, (a, c) -> Math.ceil((Double) a[0]), F8);
        b.add("ceiling", N, I, (a, c) -> ((BigDecimal) a[0]).setScale(0, RoundingMode.CEILING), N);
        b.add("floor", F8, I, (a, c) -> Math.floor((Double) a[0]), F8);
        b.add("floor", N, I, (a, c) -> ((BigDecimal) a[0]).setScale(0, RoundingMode.FLOOR), N);
        for (PgType t : new PgType[] {PgType.INT2, I4, I8, N}) {
            PgType tt = t;
            b.add("mod", t, I, (a, c) -> Operators.binary("%", tt, tt).impl().apply(a, c), t, t);
        }
        b.add("div", N, I, (a, c) -> {
            if (((BigDecimal) a[1]).signum() == 0) throw Operators.divisionByZero();
            return ((BigDecimal) a[0]).divideToIntegralValue((BigDecimal) a[1]).setScale(0, RoundingMode.DOWN);
        }, N, N);
        b.add("sqrt", F8, I, (a, c) -> Operators.unary("|/", F8).impl().apply(a, c), F8);
        b.add("sqrt", N, I, (a, c) -> sqrtNumeric((BigDecimal) a[0]), N);
        b.add("power", F8, I, (a, c) -> power(a[0], a[1], F8), F8, F8);
        b.add("power", N, I, (a, c) -> power(a[0], a[1], N), N, N);
        b.add("pow", F8, I, (a, c) -> power(a[0], a[1], F8), F8, F8);
        b.add("exp", F8, I, (a, c) -> Math.exp((Double) a[0]), F8);
        b.add("ln", F8, I, (a, c) -> log((Double) a[0], Math.E), F8);
        b.add("log", F8, I, (a, c) -> log((Double) a[0], 10), F8);
        b.add("log10", F8, I, (a, c) -> log((Double) a[0], 10), F8);
        b.add("sign", F8, I, (a, c) -> Math.signum((Double) a[0]), F8);
        b.add("sign", N, I, (a, c) -> BigDecimal.valueOf(((BigDecimal) a[0]).signum()), N);
        b.add("pi", F8, I, (a, c) -> Math.PI);
        b.add("random", F8, V, (a, c) -> java.util.concurrent.ThreadLocalRandom.current().nextDouble());

        // --- date/time
        b.add("date_part", F8, S, (a, c) -> extract((String) a[0], a[1], c).doubleValue(), T, TZ);
        b.add("date_part", F8, I, (a, c) -> extract((String) a[0], a[1], c).doubleValue(), T, TS);
        b.add("date_part", F8, I, (a, c) -> extract((String) a[0], a[1], c).doubleValue(), T, PgType.INTERVAL);
        b.add("extract", N, S, (a, c) -> extract((String) a[0], a[1], c), T, TZ);
        b.add("extract", N, I, (a, c) -> extract((String) a[0], a[1], c), T, TS);
        b.add("extract", N, I, (a, c) -> extract((String) a[0], a[1], c), T, PgType.DATE);
        b.add("extract", N, I, (a, c) -> extract((String) a[0], a[1], c), T, PgType.INTERVAL);
        b.add("extract", N, I, (a, c) -> extract((String) a[0], a[1], c), T, PgType.TIME);
        b.add("date_trunc", TS, I, (a, c) -> dateTrunc((String) a[0], (LocalDateTime) a[1]), T, TS);
        b.add("date_trunc", TZ, S, (a, c) -> {
            ZonedDateTime z = ((Instant) a[1]).atZone(c.format().timeZone());
            return dateTrunc((String) a[0], z.toLocalDateTime()).atZone(c.format().timeZone()).toInstant();
        }, T, TZ);
        b.add("justify_hours", PgType.INTERVAL, I, (a, c) -> DateTimes.justifyHours((Interval) a[0]), PgType.INTERVAL);
        b.add("justify_days", PgType.INTERVAL, I, (a, c) -> {
            Interval iv = (Interval) a[0];
            return new Interval(iv.months() + iv.days() / 30, iv.days() % 30, iv.micros());
        }, PgType.INTERVAL);
        b.add("make_date", PgType.DATE, I, (a, c) -> LocalDate.of((Integer) a[0], (Integer) a[1], (Integer) a[2]), I4, I4, I4);
        b.add("to_timestamp", TZ, I, (a, c) -> Instant.ofEpochSecond(0, Math.round((Double) a[0] * 1e6) * 1000), F8);
        b.add("timeofday", T, V, (a, c) -> java.time.format.DateTimeFormatter
                .ofPattern("EEE MMM dd HH:mm:ss.SSSSSS yyyy zzz", Locale.ENGLISH).format(ZonedDateTime.now(c.format().timeZone())));

        // --- arrays
        b.add("array_length", I4, I, (a, c) -> (Integer) a[1] == 1 && ((Object[]) a[0]).length > 0
                ? ((Object[]) a[0]).length : null, ANY, I4);
        b.add("cardinality", I4, I, (a, c) -> ((Object[]) a[0]).length, ANY);
        b.add("array_to_string", T, S, (a, c) -> {
            StringBuilder sb = new StringBuilder();
            boolean first = true;
            for (Object o : (Object[]) a[0]) {
                if (o == null) continue;
                if (!first) sb.append((String) a[1]);
                sb.append(o instanceof String s ? s : String.valueOf(o));
                first = false;
            }
            return sb.toString();
        }, ANY, T);
        return Map.copyOf(b.m);
    }

    // ------------------------------------------------------------------ helpers

    private static String setting(ExecContext c, String name) {
        String v = c.env().settings().currentSetting(name, true);
        return v == null ? "15.0" : v;
    }

    private static Object setConfig(Object[] a, ExecContext c) {
        if (a[0] == null) {
            throw PgException.error(SqlState.NULL_VALUE_NOT_ALLOWED, "SET requires parameter name");
        }
        String name = (String) a[0];
        boolean local = a[2] != null && (Boolean) a[2];
        if (a[1] == null) c.env().settings().reset(name);
        else c.env().settings().set(name, (String) a[1], local);
        if (c.hooks() != null) c.hooks().settingsChanged();
        return c.env().settings().show(name);
    }

    /** pg_notify(channel, payload): not strict, a NULL channel is "channel name cannot be empty" (cf. pg_notify()). */
    private static Object pgNotify(Object[] a, ExecContext c) {
        if (c.hooks() == null) throw new IllegalStateException("pg_notify() outside a session");
        c.hooks().notify((String) a[0], (String) a[1]);
        return PgType.VOID_VALUE;
    }

    /**
     * pg_sleep(): waits on the process latch in slices so that cancel, statement_timeout
     * and terminate (which set the latch) end it within one slice.
     */
    private static Object sleep(Object[] a, ExecContext c) {
        double seconds = (Double) a[0];
        long end = System.nanoTime() + (long) (seconds * 1e9);
        ServerProcess p = c.env() == null ? null : c.env().process();
        for (;;) {
            c.checkForInterrupts();
            long left = end - System.nanoTime();
            if (left <= 0) break;
            long ms = Math.max(1, Math.min(left / 1_000_000L, 50));
            if (p != null) {
                Latch latch = p.latch();
                latch.reset();
                c.checkForInterrupts();
                p.setWaitEvent("Timeout", "PgSleep");
                try {
                    latch.await(ms);
                } finally {
                    p.setWaitEvent(null, null);
                }
            } else {
                try {
                    Thread.sleep(ms);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return PgType.VOID_VALUE;
    }

    private static Object signal(ExecContext c, int pid, ProcSignal sig) {
        boolean ok = c.env().postmaster().signal(pid, sig);
        if (!ok) {
            c.notice(new PgException(ErrorSeverity.WARNING, SqlState.WARNING,
                    "PID " + pid + " is not a PostgreSQL backend process", null, null, 0, null, null));
        }
        return ok;
    }

    private static String initcap(String s) {
        StringBuilder b = new StringBuilder();
        boolean start = true;
        for (char ch : s.toCharArray()) {
            if (Character.isLetterOrDigit(ch)) {
                b.append(start ? Character.toUpperCase(ch) : Character.toLowerCase(ch));
                start = false;
            } else {
                b.append(ch);
                start = true;
            }
        }
        return b.toString();
    }

    /** substring(s FROM start FOR count) with SQL's rules for start below 1. */
    static String substring(String s, int start, Integer count) {
        int[] cps = s.codePoints().toArray();
        long from = start;
        long to;
        if (count == null) {
            to = Long.MAX_VALUE;
        } else {
            if (count < 0) throw PgException.error(SqlState.DATA_EXCEPTION, "negative substring length not allowed");
            to = (long) start + count;
        }
        long f = Math.max(from, 1);
        long t = Math.min(to, cps.length + 1L);
        if (t <= f) return "";
        return new String(cps, (int) f - 1, (int) (t - f));
    }

    private static String left(String s, int n) {
        int[] cps = s.codePoints().toArray();
        int len = n >= 0 ? Math.min(n, cps.length) : Math.max(0, cps.length + n);
        return new String(cps, 0, len);
    }

    private static String right(String s, int n) {
        int[] cps = s.codePoints().toArray();
        int len = n >= 0 ? Math.min(n, cps.length) : Math.max(0, cps.length + n);
        return new String(cps, cps.length - len, len);
    }

    private static String concat(Object[] a, int from, String sep, ExecContext c) {
        StringBuilder b = new StringBuilder();
        boolean first = true;
        for (int i = from; i < a.length; i++) {
            if (a[i] == null) continue;
            if (!first) b.append(sep);
            b.append(a[i] instanceof String s ? s : String.valueOf(a[i]));
            first = false;
        }
        return b.toString();
    }

    private static String md5(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int position(String hay, String needle) {
        int i = hay.indexOf(needle);
        return i < 0 ? 0 : hay.codePointCount(0, i) + 1;
    }

    private static String trim(String s, String chars, boolean leading, boolean trailing) {
        int st = 0;
        int en = s.length();
        while (leading && st < en && chars.indexOf(s.charAt(st)) >= 0) st++;
        while (trailing && en > st && chars.indexOf(s.charAt(en - 1)) >= 0) en--;
        return s.substring(st, en);
    }

    private static String pad(String s, int len, String fill, boolean leftSide) {
        int[] cps = s.codePoints().toArray();
        if (len <= cps.length) return new String(cps, 0, Math.max(len, 0));
        if (fill.isEmpty()) return s;
        StringBuilder p = new StringBuilder();
        int[] f = fill.codePoints().toArray();
        for (int i = 0; i < len - cps.length; i++) p.appendCodePoint(f[i % f.length]);
        return leftSide ? p + s : s + p;
    }

    private static String splitPart(String s, String delim, int n) {
        if (n == 0) throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "field position must not be zero");
        List<String> parts = new ArrayList<>();
        if (delim.isEmpty()) {
            parts.add(s);
        } else {
            int i = 0;
            for (;;) {
                int j = s.indexOf(delim, i);
                if (j < 0) {
                    parts.add(s.substring(i));
                    break;
                }
                parts.add(s.substring(i, j));
                i = j + delim.length();
            }
        }
        int idx = n > 0 ? n - 1 : parts.size() + n;
        return idx >= 0 && idx < parts.size() ? parts.get(idx) : "";
    }

    public static String quoteIdent(String s) {
        boolean safe = !s.isEmpty() && (Character.isLowerCase(s.charAt(0)) || s.charAt(0) == '_');
        for (char ch : s.toCharArray()) {
            if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')) safe = false;
        }
        if (safe && org.pgkernel.sql.internal.lex.Keywords.category(s) != null
                && org.pgkernel.sql.internal.lex.Keywords.category(s) != org.pgkernel.sql.internal.lex.Keywords.Category.UNRESERVED) {
            safe = false;
        }
        return safe ? s : "\"" + s.replace("\"", "\"\"") + "\"";
    }

    private static String quoteLiteral(String s) {
        String q = "'" + s.replace("'", "''") + "'";
        if (s.indexOf('\\') >= 0) return "E" + q.replace("\\", "\\\\");
        return q;
    }

    private static String encode(byte[] b, String format) {
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "hex" -> HexFormat.of().formatHex(b);
            case "base64" -> java.util.Base64.getMimeEncoder(76, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(b);
            case "escape" -> {
                StringBuilder sb = new StringBuilder();
                for (byte x : b) {
                    int u = x & 0xff;
                    if (u == '\\') sb.append("\\\\");
                    else if (u == 0 || u > 0x7e) sb.append(String.format(Locale.ROOT, "\\%03o", u));
                    else sb.append((char) u);
                }
                yield sb.toString();
            }
            default -> throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "unrecognized encoding: \"%s\"", format);
        };
    }

    private static byte[] decode(String s, String format) {
        return switch (format.toLowerCase(Locale.ROOT)) {
            case "hex" -> HexFormat.of().parseHex(s);
            case "base64" -> java.util.Base64.getMimeDecoder().decode(s);
            case "escape" -> s.getBytes(StandardCharsets.UTF_8);
            default -> throw PgException.error(SqlState.INVALID_PARAMETER_VALUE, "unrecognized encoding: \"%s\"", format);
        };
    }

    public static Object abs(Object v, PgType t) {
        return switch (t) {
            case INT2, INT4, INT8 -> {
                long x = ((Number) v).longValue();
                if (t == PgType.INT8 && x == Long.MIN_VALUE) throw Casts.outOfRange(t);
                yield Casts.boxInteger(Math.abs(x), t);
            }
            case NUMERIC -> ((BigDecimal) v).abs();
            case FLOAT4 -> Math.abs((Float) v);
            default -> Math.abs(((Number) v).doubleValue());
        };
    }

    private static BigDecimal roundNumeric(BigDecimal v, int scale, RoundingMode mode) {
        BigDecimal r = v.setScale(scale, mode);
        return scale < 0 ? r.setScale(0) : r;
    }

    /** Numeric division with PostgreSQL's result scale (select_div_scale()): at least 16 significant digits. */
    public static BigDecimal divideNumeric(BigDecimal x, BigDecimal y) {
        if (y.signum() == 0) throw Operators.divisionByZero();
        int[] w1 = weightAndFirstDigit(x);
        int[] w2 = weightAndFirstDigit(y);
        int qweight = w1[0] - w2[0];
        if (w1[1] <= w2[1]) qweight--;
        int rscale = 16 - qweight * 4;
        rscale = Math.max(rscale, Math.max(x.scale(), 0));
        rscale = Math.max(rscale, Math.max(y.scale(), 0));
        rscale = Math.max(rscale, 0);
        rscale = Math.min(rscale, 1000);
        return x.divide(y, rscale, RoundingMode.HALF_UP);
    }

    /** The base-10000 weight and first digit of a numeric, as NumericVar holds them. */
    private static int[] weightAndFirstDigit(BigDecimal v) {
        if (v.signum() == 0) return new int[] {0, 0};
        BigDecimal a = v.abs();
        int exp10 = a.precision() - a.scale() - 1;
        int weight = Math.floorDiv(exp10, 4);
        int first = a.movePointLeft(4 * weight).setScale(0, RoundingMode.DOWN).intValue();
        return new int[] {weight, first};
    }

    private static BigDecimal sqrtNumeric(BigDecimal v) {
        if (v.signum() < 0) {
            throw PgException.error(SqlState.INVALID_ARGUMENT_FOR_POWER_FUNCTION, "cannot take square root of a negative number");
        }
        int[] w = weightAndFirstDigit(v);
        int rscale = Math.max(16 - (w[0] * 4) / 2, Math.max(v.scale(), 0));
        return v.sqrt(new java.math.MathContext(rscale + 20)).setScale(rscale, RoundingMode.HALF_UP);
    }

    public static Object power(Object x, Object y, PgType t) {
        if (t == PgType.NUMERIC) {
            BigDecimal a = (BigDecimal) x;
            BigDecimal b = (BigDecimal) y;
            if (a.signum() == 0 && b.signum() < 0) {
                throw PgException.error(SqlState.INVALID_ARGUMENT_FOR_POWER_FUNCTION, "zero raised to a negative power is undefined");
            }
            BigDecimal r;
            if (b.stripTrailingZeros().scale() <= 0 && b.abs().compareTo(BigDecimal.valueOf(100000)) < 0) {
                int n = b.intValueExact();
                r = n >= 0 ? a.pow(n) : BigDecimal.ONE.divide(a.pow(-n), 40, RoundingMode.HALF_UP);
            } else {
                if (a.signum() < 0) {
                    throw PgException.error(SqlState.INVALID_ARGUMENT_FOR_POWER_FUNCTION,
                            "a negative number raised to a non-integer power yields a complex result");
                }
                r = new BigDecimal(Math.pow(a.doubleValue(), b.doubleValue()));
            }
            int[] w = weightAndFirstDigit(r);
            int rscale = Math.max(16 - w[0] * 4, Math.max(Math.max(a.scale(), b.scale()), 0));
            return r.setScale(Math.min(rscale, 1000), RoundingMode.HALF_UP);
        }
        double a = ((Number) x).doubleValue();
        double b = ((Number) y).doubleValue();
        if (a == 0 && b < 0) {
            throw PgException.error(SqlState.INVALID_ARGUMENT_FOR_POWER_FUNCTION, "zero raised to a negative power is undefined");
        }
        if (a < 0 && b != Math.rint(b)) {
            throw PgException.error(SqlState.INVALID_ARGUMENT_FOR_POWER_FUNCTION,
                    "a negative number raised to a non-integer power yields a complex result");
        }
        double r = Math.pow(a, b);
        if (Double.isInfinite(r)) throw Operators.floatOverflow();
        return r;
    }

    private static double log(double v, double base) {
        if (v == 0) throw PgException.error(SqlState.INVALID_ARGUMENT_FOR_LOGARITHM, "cannot take logarithm of zero");
        if (v < 0) throw PgException.error(SqlState.INVALID_ARGUMENT_FOR_LOGARITHM, "cannot take logarithm of a negative number");
        return base == Math.E ? Math.log(v) : Math.log10(v);
    }

    public static Interval intervalMultiply(Interval iv, double f) {
        double months = iv.months() * f;
        int m = (int) months;
        double days = iv.days() * f + (months - m) * 30;
        int d = (int) days;
        double micros = iv.micros() * f + (days - d) * Interval.MICROS_PER_DAY;
        return new Interval(m, d, Math.round(micros));
    }

    public static Interval intervalDivide(Interval iv, long n) { return intervalMultiply(iv, 1.0 / n); }

    /** LIKE with % and _ and an escape character; ILIKE when {@code ci}. */
    public static boolean like(String s, String pattern, String escape, boolean ci) {
        StringBuilder re = new StringBuilder();
        char esc = escape == null || escape.isEmpty() ? 0 : escape.charAt(0);
        for (int i = 0; i < pattern.length(); i++) {
            char ch = pattern.charAt(i);
            if (esc != 0 && ch == esc) {
                if (i + 1 >= pattern.length()) {
                    throw PgException.error(SqlState.INVALID_ESCAPE_SEQUENCE, "LIKE pattern must not end with escape character");
                }
                re.append(java.util.regex.Pattern.quote(String.valueOf(pattern.charAt(++i))));
            } else if (ch == '%') {
                re.append(".*");
            } else if (ch == '_') {
                re.append('.');
            } else {
                re.append(java.util.regex.Pattern.quote(String.valueOf(ch)));
            }
        }
        int flags = java.util.regex.Pattern.DOTALL | (ci ? java.util.regex.Pattern.CASE_INSENSITIVE | java.util.regex.Pattern.UNICODE_CASE : 0);
        return java.util.regex.Pattern.compile(re.toString(), flags).matcher(s).matches();
    }

    public static boolean regexMatch(String s, String pattern, boolean ci) {
        try {
            int flags = ci ? java.util.regex.Pattern.CASE_INSENSITIVE | java.util.regex.Pattern.UNICODE_CASE : 0;
            return java.util.regex.Pattern.compile(pattern, flags).matcher(s).find();
        } catch (java.util.regex.PatternSyntaxException e) {
            throw PgException.error(SqlState.DATA_EXCEPTION,
                    "invalid regular expression: %s", e.getDescription());
        }
    }

    /** EXTRACT(field FROM source) as numeric. */
    public static BigDecimal extract(String field, Object src, ExecContext c) {
        String f = field.toLowerCase(Locale.ROOT);
        if (src instanceof Interval iv) {
            long micros = iv.micros();
            return switch (f) {
                case "epoch" -> BigDecimal.valueOf(iv.months() / 12 * 365.25 * 86400 + (iv.months() % 12) * 30L * 86400
                        + iv.days() * 86400L).add(BigDecimal.valueOf(micros, 6)).stripTrailingZeros().setScale(6, RoundingMode.UNNECESSARY);
                case "year", "years" -> BigDecimal.valueOf(iv.months() / 12);
                case "month", "months", "mon" -> BigDecimal.valueOf(iv.months() % 12);
                case "day", "days" -> BigDecimal.valueOf(iv.days());
                case "hour", "hours" -> BigDecimal.valueOf(micros / 3_600_000_000L);
                case "minute", "minutes" -> BigDecimal.valueOf((micros / 60_000_000L) % 60);
                case "second", "seconds" -> BigDecimal.valueOf(micros % 60_000_000L, 6);
                default -> throw unitNotSupported(field, "interval");
            };
        }
        LocalDateTime t;
        ZonedDateTime z = null;
        if (src instanceof Instant i) {
            z = i.atZone(c.format().timeZone());
            t = z.toLocalDateTime();
        } else if (src instanceof LocalDate d) {
            t = d.atStartOfDay();
        } else if (src instanceof LocalTime lt) {
            t = LocalDate.of(2000, 1, 1).atTime(lt);
        } else {
            t = (LocalDateTime) src;
        }
        return switch (f) {
            case "year", "years" -> BigDecimal.valueOf(t.getYear());
            case "month", "months", "mon" -> BigDecimal.valueOf(t.getMonthValue());
            case "day", "days" -> BigDecimal.valueOf(t.getDayOfMonth());
            case "hour", "hours" -> BigDecimal.valueOf(t.getHour());
            case "minute", "minutes" -> BigDecimal.valueOf(t.getMinute());
            case "second", "seconds" -> BigDecimal.valueOf(t.getSecond() * 1_000_000L + t.getNano() / 1000, 6);
            case "milliseconds" -> BigDecimal.valueOf(t.getSecond() * 1_000_000L + t.getNano() / 1000, 3);
            case "microseconds" -> BigDecimal.valueOf(t.getSecond() * 1_000_000L + t.getNano() / 1000);
            case "dow" -> BigDecimal.valueOf(t.getDayOfWeek().getValue() % 7);
            case "isodow" -> BigDecimal.valueOf(t.getDayOfWeek().getValue());
            case "doy" -> BigDecimal.valueOf(t.getDayOfYear());
            case "quarter" -> BigDecimal.valueOf((t.getMonthValue() - 1) / 3 + 1);
            case "week" -> BigDecimal.valueOf(t.get(java.time.temporal.IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            case "century" -> BigDecimal.valueOf(t.getYear() > 0 ? (t.getYear() + 99) / 100 : -((99 - (t.getYear() - 1)) / 100));
            case "decade" -> BigDecimal.valueOf(Math.floorDiv(t.getYear(), 10));
            case "millennium" -> BigDecimal.valueOf(t.getYear() > 0 ? (t.getYear() + 999) / 1000 : -((999 - (t.getYear() - 1)) / 1000));
            case "epoch" -> {
                Instant i = z != null ? z.toInstant() : t.toInstant(java.time.ZoneOffset.UTC);
                BigDecimal r = BigDecimal.valueOf(i.getEpochSecond()).add(BigDecimal.valueOf(i.getNano() / 1000, 6));
                yield src instanceof LocalDate ? r.setScale(0, RoundingMode.UNNECESSARY) : r;
            }
            case "timezone" -> BigDecimal.valueOf(z == null ? 0 : z.getOffset().getTotalSeconds());
            default -> throw unitNotSupported(field, src instanceof Instant ? "timestamp with time zone"
                    : "timestamp without time zone");
        };
    }

    private static PgException unitNotSupported(String field, String type) {
        return PgException.error(SqlState.INVALID_PARAMETER_VALUE, "unit \"%s\" not recognized for type %s",
                field.toLowerCase(Locale.ROOT), type);
    }

    private static LocalDateTime dateTrunc(String field, LocalDateTime t) {
        return switch (field.toLowerCase(Locale.ROOT)) {
            case "microseconds" -> t.truncatedTo(ChronoUnit.MICROS);
            case "milliseconds" -> t.truncatedTo(ChronoUnit.MILLIS);
            case "second" -> t.truncatedTo(ChronoUnit.SECONDS);
            case "minute" -> t.truncatedTo(ChronoUnit.MINUTES);
            case "hour" -> t.truncatedTo(ChronoUnit.HOURS);
            case "day" -> t.truncatedTo(ChronoUnit.DAYS);
            case "week" -> t.truncatedTo(ChronoUnit.DAYS).minusDays(t.getDayOfWeek().getValue() - 1);
            case "month" -> t.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
            case "quarter" -> t.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1).withMonth((t.getMonthValue() - 1) / 3 * 3 + 1);
            case "year" -> t.truncatedTo(ChronoUnit.DAYS).withDayOfYear(1);
            case "decade" -> LocalDateTime.of(Math.floorDiv(t.getYear(), 10) * 10, 1, 1, 0, 0);
            case "century" -> LocalDateTime.of((t.getYear() - 1) / 100 * 100 + 1, 1, 1, 0, 0);
            default -> throw PgException.error(SqlState.FEATURE_NOT_SUPPORTED,
                    "unit \"%s\" not supported for type timestamp without time zone", field);
        };
    }

    /** Integer to BigInteger helper used by numeric text output tests. */
    static BigInteger big(long v) { return BigInteger.valueOf(v); }
}
