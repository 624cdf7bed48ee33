package org.pgkernel.kernel.internal.guc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.pgkernel.kernel.spi.guc.GucContext;
import org.pgkernel.kernel.spi.guc.GucDefinition;
import org.pgkernel.kernel.spi.guc.GucType;

/**
 * The built-in settings: PostgreSQL 15's, read from settings.tsv (generated from a real
 * PostgreSQL 15's pg_settings, see the file's header), with pgkernel's own boot values where
 * they differ (server_version, the locale settings, server_encoding) and the hidden enum
 * aliases guc.c accepts but pg_settings.enumvals does not list.
 */
final class GucCatalogue {

    static final String SERVER_VERSION = "15.18";
    static final String SERVER_VERSION_NUM = "150018";

    /** pgkernel's boot values that differ from a fresh PostgreSQL's. */
    static final Map<String, String> BOOT_OVERRIDES = Map.of(
            "server_version", SERVER_VERSION,
            "server_version_num", SERVER_VERSION_NUM,
            "server_encoding", "UTF8",
            "lc_collate", "C",
            "lc_ctype", "C",
            "lc_messages", "C",
            "lc_monetary", "C",
            "lc_numeric", "C",
            "lc_time", "C");

    /**
     * Values the server computes at start (PGC_S_DYNAMIC_DEFAULT: pg_settings shows source
     * "default" with a setting that differs from boot_val).
     */
    static final Map<String, String> DYNAMIC_DEFAULTS = Map.of(
            "client_encoding", "UTF8",
            "max_stack_depth", "2048",
            "timezone_abbreviations", "Default");

    private static final List<String> BOOL_ALIASES = List.of("true", "false", "yes", "no", "1", "0");

    private GucCatalogue() { }

    /** Hidden names guc.c's enum option tables accept, to the canonical value SHOW prints. */
    static Map<String, String> hiddenAliases(String name) {
        Map<String, String> m = new LinkedHashMap<>();
        switch (name) {
            case "archive_mode", "backslash_quote", "compute_query_id", "constraint_exclusion", "force_parallel_mode",
                 "huge_pages", "recovery_prefetch", "synchronous_commit" -> {
                for (String a : BOOL_ALIASES) m.put(a, GucValues.parseBool(a) ? "on" : "off");
            }
            case "wal_compression" -> {
                for (String a : BOOL_ALIASES) m.put(a, GucValues.parseBool(a) ? "pglz" : "off");
            }
            case "client_min_messages", "trace_recovery_messages" -> {
                m.put("debug", "debug2");
                m.put("info", "info");
            }
            case "log_min_messages", "log_min_error_statement" -> m.put("debug", "debug2");
            case "wal_level" -> {
                m.put("archive", "replica");
                m.put("hot_standby", "replica");
            }
            default -> { }
        }
        return m;
    }

    /** Loads every built-in setting, keyed by lower-case name, in name order. */
    static Map<String, Setting> load() {
        Map<String, Setting> out = new LinkedHashMap<>();
        try (InputStream in = GucCatalogue.class.getResourceAsStream("settings.tsv")) {
            if (in == null) throw new IllegalStateException("settings.tsv is missing from the kernel bundle");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isEmpty() || line.startsWith("#")) continue;
                Setting s = parseLine(line);
                out.put(s.name.toLowerCase(Locale.ROOT), s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static Setting parseLine(String line) {
        String[] f = line.split("\t", -1);
        if (f.length < 10) throw new IllegalStateException("bad settings.tsv line: " + line);
        String name = f[0];
        GucType type = switch (f[1]) {
            case "bool" -> GucType.BOOL;
            case "integer" -> GucType.INTEGER;
            case "real" -> GucType.REAL;
            case "enum" -> GucType.ENUM;
            default -> GucType.STRING;
        };
        GucContext context = null;
        for (GucContext c : GucContext.values()) if (c.label().equals(f[4])) context = c;
        if (context == null) throw new IllegalStateException("bad context in settings.tsv: " + line);
        String boot = f[5].equals("\\N") ? null : f[5];
        boot = BOOT_OVERRIDES.getOrDefault(name, boot);
        List<String> enumValues = f[8].isEmpty() && type != GucType.ENUM ? List.of() : List.of(f[8].split("\\|", -1));
        Set<Setting.Flag> flags = EnumSet.noneOf(Setting.Flag.class);
        for (String fl : f[9].split(",")) {
            switch (fl) {
                case "report" -> flags.add(Setting.Flag.REPORT);
                case "hidden" -> flags.add(Setting.Flag.HIDDEN);
                case "no_reset_all" -> flags.add(Setting.Flag.NO_RESET_ALL);
                case "disallow_in_file" -> flags.add(Setting.Flag.DISALLOW_IN_FILE);
                case "disallow_in_auto_file" -> flags.add(Setting.Flag.DISALLOW_IN_AUTO_FILE);
                case "superuser_only" -> flags.add(Setting.Flag.SUPERUSER_ONLY);
                default -> { }
            }
        }
        GucDefinition def = new GucDefinition(name, type, context, f[3], "", f[2].isEmpty() ? null : f[2], boot,
                f[6].isEmpty() ? null : f[6], f[7].isEmpty() ? null : f[7], type == GucType.ENUM ? enumValues : List.of(),
                flags.contains(Setting.Flag.REPORT), flags.contains(Setting.Flag.SUPERUSER_ONLY), null);
        return new Setting(def, flags, hiddenAliases(name));
    }

    /** A bundle's setting: flags from its definition. */
    static Setting fromDefinition(GucDefinition def) {
        Set<Setting.Flag> flags = EnumSet.noneOf(Setting.Flag.class);
        if (def.report()) flags.add(Setting.Flag.REPORT);
        if (def.superuserOnlyView()) flags.add(Setting.Flag.SUPERUSER_ONLY);
        return new Setting(def, flags, Map.of());
    }

    static List<String> names(Map<String, Setting> m) {
        List<String> l = new ArrayList<>();
        m.values().forEach(s -> l.add(s.name));
        return l;
    }
}
