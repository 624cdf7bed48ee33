package org.pgkernel.kernel.internal.guc;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.pgkernel.kernel.api.ErrorSeverity;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;
import org.pgkernel.kernel.internal.guc.ServerSettings.ServerValue;
import org.pgkernel.kernel.internal.guc.ServerSettings.Slot;
import org.pgkernel.kernel.spi.guc.GucContext;
import org.pgkernel.kernel.spi.guc.GucSession;
import org.pgkernel.kernel.spi.guc.GucSource;
import org.pgkernel.kernel.spi.guc.GucType;
import org.pgkernel.kernel.spi.guc.SettingRow;

/**
 * One session's settings: the server-wide values (a snapshot, renewed by
 * {@link #reloadFromServer()}) overlaid with what the session's startup packet and SET
 * commands changed.
 *
 * <p>Transactions follow guc.c's stack for the top nest level (cf. push_old_value() and
 * AtEOXact_GUC()): the first change of a setting in a transaction saves the prior value;
 * a rollback restores it; a commit keeps a SET, undoes a SET LOCAL, and for SET then
 * SET LOCAL restores the value the SET gave ("masked"). Outside a transaction a SET
 * applies at once and a SET LOCAL is checked and then has no effect, as in an implicit
 * transaction that ends with the statement.
 *
 * <p>Used by one process (thread) only; not thread-safe.
 */
public final class SessionSettings implements GucSession {

    /** What the current transaction did to a setting (cf. GucStackState). */
    private enum State { NONE, SET, LOCAL, SET_LOCAL }

    /** A setting the session touched. */
    private static final class Var {
        Setting setting;
        Slot current;
        Slot reset;
        State state = State.NONE;
        Slot prior;
        Slot masked;

        Var(Setting setting, Slot current, Slot reset) {
            this.setting = setting;
            this.current = current;
            this.reset = reset;
        }
    }

    /** Settings whose values belong to the session, not the server. */
    private static final Set<String> SESSION_OWNED = Set.of("is_superuser", "session_authorization");

    private final ServerSettings server;
    private final boolean superuser;
    private Map<String, ServerValue> snapshot;
    private final Map<String, Var> vars = new HashMap<>();
    private final Set<Var> changedInTransaction = new LinkedHashSet<>();
    private final Map<String, String> lastReported = new HashMap<>();
    private boolean inTransaction;
    /** Bumped by every change of a value (changeCount()); ParameterStatus is computed only when it moved. */
    private long changes;
    private long reportedAt = -1;

    /**
     * A session starting from {@code server}'s current values with the startup packet's
     * parameters applied (source "client"): "user" becomes session_authorization, "options"
     * holds {@code -c name=value} / {@code --name=value} switches, "database",
     * "replication" and "_pq_." keys are skipped, every other key is a setting.
     *
     * @throws PgException FATAL as PostgreSQL's startup is for a bad parameter
     */
    SessionSettings(ServerSettings server, Map<String, String> startupParameters, boolean superuser) {
        this.server = server;
        this.superuser = superuser;
        this.snapshot = server.snapshot();
        Setting su = server.setting("is_superuser");
        vars.put("is_superuser", new Var(su, ownSlot(superuser), ownSlot(superuser)));
        String user = startupParameters.get("user");
        if (user != null) {
            Setting sa = server.setting("session_authorization");
            vars.put("session_authorization", new Var(sa, ownSlot(user), ownSlot(user)));
        }
        try {
            String options = startupParameters.get("options");
            if (options != null) {
                for (Map.Entry<String, String> o : parseOptions(options)) setAtStartup(o.getKey(), o.getValue());
            }
            for (Map.Entry<String, String> e : startupParameters.entrySet()) {
                String k = e.getKey();
                if (k.equals("user") || k.equals("database") || k.equals("options") || k.equals("replication") || k.startsWith("_pq_.")) {
                    continue;
                }
                setAtStartup(k, e.getValue());
            }
        } catch (PgException e) {
            throw e.withSeverity(ErrorSeverity.FATAL);
        }
        // the backend asks for reportedValues() once, for the startup ParameterStatus messages
    }

    private static Slot ownSlot(Object value) {
        return new Slot(value, GucSource.DYNAMIC_DEFAULT, null, null);
    }

    /**
     * Splits a startup packet's "options" (cf. pg_split_opts(): spaces separate, a backslash
     * escapes the next character) and reads {@code -c name=value}, {@code -cname=value} and
     * {@code --name=value} switches (dashes in names become underscores).
     */
    static List<Map.Entry<String, String>> parseOptions(String options) {
        List<String> words = new ArrayList<>();
        StringBuilder cur = null;
        for (int i = 0; i < options.length(); i++) {
            char c = options.charAt(i);
            if (GucValues.isSpace(c)) {
                if (cur != null) { words.add(cur.toString()); cur = null; }
                continue;
            }
            if (cur == null) cur = new StringBuilder();
            if (c == '\\' && i + 1 < options.length()) c = options.charAt(++i);
            cur.append(c);
        }
        if (cur != null) words.add(cur.toString());
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (int i = 0; i < words.size(); i++) {
            String w = words.get(i);
            String arg;
            String sw;
            if (w.startsWith("--")) {
                arg = w.substring(2);
                sw = "--";
            } else if (w.equals("-c")) {
                if (i + 1 >= words.size()) {
                    throw PgException.error(SqlState.SYNTAX_ERROR, "invalid command-line argument for server process: %s", w)
                            .withHint("Try \"postgres --help\" for more information.");
                }
                arg = words.get(++i);
                sw = "-c ";
            } else if (w.startsWith("-c")) {
                arg = w.substring(2);
                sw = "-c ";
            } else {
                throw PgException.error(SqlState.SYNTAX_ERROR, "invalid command-line argument for server process: %s", w)
                        .withHint("Try \"postgres --help\" for more information.");
            }
            int eq = arg.indexOf('=');
            if (eq < 0) {
                throw PgException.error(SqlState.SYNTAX_ERROR, "%s%s requires a value", sw, arg);
            }
            out.add(new AbstractMap.SimpleImmutableEntry<>(arg.substring(0, eq).replace('-', '_'), arg.substring(eq + 1)));
        }
        return out;
    }

    private void setAtStartup(String name, String value) {
        Var v = resolveOrPlaceholder(name);
        Setting s = v.setting;
        switch (s.context) {
            case INTERNAL -> throw cannotBeChanged(name);
            case POSTMASTER -> throw withoutRestart(name);
            case SIGHUP -> throw PgException.error(SqlState.CANT_CHANGE_RUNTIME_PARAM, "parameter \"%s\" cannot be changed now", name);
            case SUPERUSER_BACKEND, SUPERUSER -> {
                if (!superuser) throw permissionDenied(name);
            }
            default -> { }
        }
        Object parsed = GucValues.parse(s, name, value, context());
        Slot slot = new Slot(parsed, GucSource.CLIENT, null, null);
        v.current = slot;
        v.reset = slot;
        changes++;
    }

    // ---- lookup ---------------------------------------------------------------------------

    /** The session's variable for a name, or null when there is no such setting (nor placeholder). */
    private Var resolve(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        Var v = vars.get(key);
        if (v != null) {
            if (v.setting.has(Setting.Flag.PLACEHOLDER)) {
                Setting real = server.setting(key);
                if (real != null) convertPlaceholder(v, real);
            }
            return v;
        }
        ServerValue sv = snapshot.get(key);
        if (sv == null) {
            sv = server.snapshot().get(key);
            if (sv == null) return null;
        }
        v = new Var(sv.setting(), sv.slot(), sv.slot());
        vars.put(key, v);
        return v;
    }

    /** A bundle defined the setting this session had as a placeholder: keep its values when they are valid. */
    private void convertPlaceholder(Var v, Setting real) {
        ServerValue sv = server.snapshot().get(real.name.toLowerCase(Locale.ROOT));
        Slot def = sv != null ? sv.slot() : new Slot(null, GucSource.DEFAULT, null, null);
        v.setting = real;
        changes++;
        v.current = convert(real, v.current, def);
        v.reset = convert(real, v.reset, def);
        if (v.prior != null) v.prior = convert(real, v.prior, def);
        if (v.masked != null) v.masked = convert(real, v.masked, def);
    }

    private Slot convert(Setting real, Slot slot, Slot def) {
        if (slot.value() == null || isServerOrigin(slot)) return def;
        try {
            return new Slot(GucValues.parse(real, slot.value().toString(), context()), slot.source(), slot.file(), slot.line());
        } catch (PgException e) {
            return def;
        }
    }

    private Var resolveOrPlaceholder(String name) {
        Var v = resolve(name);
        if (v != null) return v;
        if (name.indexOf('.') < 0) throw GucValues.unrecognized(name);
        if (!ServerSettings.isValidCustomName(name)) throw ServerSettings.invalidName(name);
        Slot empty = new Slot("", GucSource.DEFAULT, null, null);
        v = new Var(Setting.placeholder(name), empty, empty);
        vars.put(name.toLowerCase(Locale.ROOT), v);
        return v;
    }

    private Var existing(String name) {
        Var v = resolve(name);
        if (v == null) throw GucValues.unrecognized(name);
        return v;
    }

    private GucValues.Context context() {
        return new GucValues.Context() {
            @Override public String current(String name) {
                Var v = resolve(name);
                return v == null || v.current.value() == null ? null : v.current.value().toString();
            }
            @Override public String reset(String name) {
                Var v = resolve(name);
                return v == null || v.reset.value() == null ? null : v.reset.value().toString();
            }
        };
    }

    private Object otherValue(String key) {
        Var v = resolve(key);
        return v == null ? null : v.current.value();
    }

    private static boolean isServerOrigin(Slot s) {
        return switch (s.source()) {
            case DEFAULT, DYNAMIC_DEFAULT, ENV_VAR, FILE, ARGV, OVERRIDE -> true;
            default -> false;
        };
    }

    // ---- errors ---------------------------------------------------------------------------

    private static PgException cannotBeChanged(String name) {
        return PgException.error(SqlState.CANT_CHANGE_RUNTIME_PARAM, "parameter \"%s\" cannot be changed", name);
    }

    private static PgException withoutRestart(String name) {
        return PgException.error(SqlState.CANT_CHANGE_RUNTIME_PARAM, "parameter \"%s\" cannot be changed without restarting the server", name);
    }

    private static PgException permissionDenied(String name) {
        return PgException.error(SqlState.INSUFFICIENT_PRIVILEGE, "permission denied to set parameter \"%s\"", name);
    }

    /** cf. set_config_option()'s context switch for an interactive SET (PGC_SUSET for a superuser, else PGC_USERSET). */
    private void checkSettable(Setting s, String name) {
        switch (s.context) {
            case INTERNAL -> throw cannotBeChanged(name);
            case POSTMASTER -> throw withoutRestart(name);
            case SIGHUP -> throw PgException.error(SqlState.CANT_CHANGE_RUNTIME_PARAM, "parameter \"%s\" cannot be changed now", name);
            case SUPERUSER_BACKEND, BACKEND ->
                throw PgException.error(SqlState.CANT_CHANGE_RUNTIME_PARAM, "parameter \"%s\" cannot be set after connection start", name);
            case SUPERUSER -> {
                if (!superuser) throw permissionDenied(name);
            }
            case USER -> { }
        }
    }

    private void checkViewable(Setting s, String name) {
        if (s.has(Setting.Flag.SUPERUSER_ONLY) && !superuser) {
            throw PgException.error(SqlState.INSUFFICIENT_PRIVILEGE,
                    "must be superuser or have privileges of pg_read_all_settings to examine \"%s\"", name);
        }
    }

    // ---- GucSession -----------------------------------------------------------------------

    @Override
    public String show(String name) {
        Var v = existing(name);
        checkViewable(v.setting, name);
        return display(v);
    }

    private String display(Var v) {
        return ServerSettings.display(v.setting, v.current.value(), this::otherValue);
    }

    @Override
    public String currentSetting(String name, boolean missingOk) {
        Var v = resolve(name);
        if (v == null) {
            if (missingOk) return null;
            throw GucValues.unrecognized(name);
        }
        checkViewable(v.setting, name);
        return display(v);
    }

    @Override
    public void set(String name, String value, boolean local) {
        Var v = resolveOrPlaceholder(name);
        checkSettable(v.setting, name);
        if (value == null) {
            apply(v, v.reset, local ? State.LOCAL : State.SET);
            return;
        }
        Object parsed = GucValues.parse(v.setting, name, value, context());
        apply(v, new Slot(parsed, GucSource.SESSION, null, null), local ? State.LOCAL : State.SET);
    }

    @Override
    public void reset(String name) {
        set(name, null, false);
    }

    @Override
    public void resetAll() {
        for (Var v : new ArrayList<>(vars.values())) {
            if (v.setting.has(Setting.Flag.NO_RESET_ALL)) continue;
            if (v.setting.context != GucContext.USER && v.setting.context != GucContext.SUPERUSER) continue;
            if (v.current.source().ordinal() <= GucSource.OVERRIDE.ordinal()) continue;
            apply(v, v.reset, State.SET);
        }
    }

    /** cf. push_old_value(): remember what a rollback or the end of SET LOCAL restores. */
    private void apply(Var v, Slot slot, State action) {
        changes++;
        if (!inTransaction) {
            if (action == State.SET) v.current = slot;
            return;
        }
        switch (v.state) {
            case NONE -> {
                v.prior = v.current;
                v.state = action;
            }
            case SET -> {
                if (action == State.LOCAL) {
                    v.masked = v.current;
                    v.state = State.SET_LOCAL;
                }
            }
            case LOCAL -> {
                if (action == State.SET) v.state = State.SET;
            }
            case SET_LOCAL -> {
                if (action == State.SET) {
                    v.masked = null;
                    v.state = State.SET;
                }
            }
        }
        changedInTransaction.add(v);
        v.current = slot;
    }

    @Override
    public void beginTransaction() {
        inTransaction = true;
        changedInTransaction.clear();
        startTransactionCharacteristics();
    }

    @Override
    public void commitTransaction() {
        endTransaction(true);
    }

    @Override
    public void abortTransaction() {
        endTransaction(false);
    }

    /** cf. AtEOXact_GUC() at nest level 1. */
    private void endTransaction(boolean commit) {
        if (!changedInTransaction.isEmpty()) changes++;
        for (Var v : changedInTransaction) {
            if (!commit) {
                v.current = v.prior;
            } else if (v.state == State.LOCAL) {
                v.current = v.prior;
            } else if (v.state == State.SET_LOCAL) {
                v.current = v.masked;
            }
            v.state = State.NONE;
            v.prior = null;
            v.masked = null;
        }
        changedInTransaction.clear();
        inTransaction = false;
        startTransactionCharacteristics();
    }

    /** transaction_isolation, transaction_read_only and transaction_deferrable start each transaction from their defaults. */
    private void startTransactionCharacteristics() {
        copyDefault("transaction_isolation", "default_transaction_isolation");
        copyDefault("transaction_read_only", "default_transaction_read_only");
        copyDefault("transaction_deferrable", "default_transaction_deferrable");
    }

    private void copyDefault(String target, String source) {
        Var t = resolve(target);
        Var s = resolve(source);
        if (t == null || s == null) return;
        Object value = s.current.value();
        if (Objects.equals(t.current.value(), value)) return;
        t.current = new Slot(value, GucSource.OVERRIDE, null, null);
        changes++;
    }

    @Override
    public boolean getBool(String name) {
        return (Boolean) typed(name, GucType.BOOL);
    }

    @Override
    public long getInt(String name) {
        return (Long) typed(name, GucType.INTEGER);
    }

    @Override
    public double getReal(String name) {
        return (Double) typed(name, GucType.REAL);
    }

    @Override
    public String getString(String name) {
        Var v = existing(name);
        Object value = v.current.value();
        if (value == null) return null;
        if (v.setting.type == GucType.STRING || v.setting.type == GucType.ENUM) return (String) value;
        return display(v);
    }

    private Object typed(String name, GucType type) {
        Var v = existing(name);
        if (v.setting.type != type) {
            throw new IllegalArgumentException("parameter \"" + name + "\" is " + v.setting.type.label() + ", not " + type.label());
        }
        return v.current.value();
    }

    @Override
    public long changeCount() {
        return changes;
    }

    @Override
    public List<Map.Entry<String, String>> takeReportChanges() {
        if (reportedAt == changes) return List.of();
        reportedAt = changes;
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (Map.Entry<String, String> e : currentReportValues()) {
            String before = lastReported.get(e.getKey());
            if (!e.getValue().equals(before)) {
                out.add(e);
                lastReported.put(e.getKey(), e.getValue());
            }
        }
        return out;
    }

    /** The current values of every GUC_REPORT setting, recording them as reported (cf. BeginReportingGUCOptions()). */
    @Override
    public List<Map.Entry<String, String>> reportedValues() {
        reportedAt = changes;
        List<Map.Entry<String, String>> out = currentReportValues();
        for (Map.Entry<String, String> e : out) lastReported.put(e.getKey(), e.getValue());
        return out;
    }

    private List<Map.Entry<String, String>> currentReportValues() {
        List<Setting> report = server.reportSettings();
        List<Map.Entry<String, String>> out = new ArrayList<>(report.size());
        for (Setting s : report) {
            Var v = resolve(s.name);
            String value = v == null || v.current.value() == null ? "" : display(v);
            out.add(new AbstractMap.SimpleImmutableEntry<>(s.name, value));
        }
        return out;
    }

    @Override
    public void reloadFromServer() {
        changes++;
        snapshot = server.snapshot();
        for (Map.Entry<String, Var> e : vars.entrySet()) {
            if (SESSION_OWNED.contains(e.getKey())) continue;
            ServerValue sv = snapshot.get(e.getKey());
            if (sv == null) continue;
            Var v = e.getValue();
            Slot now = sv.slot();
            if (isServerOrigin(v.current) && v.current.source() != GucSource.OVERRIDE) v.current = now;
            if (isServerOrigin(v.reset) && v.reset.source() != GucSource.OVERRIDE) v.reset = now;
            if (v.prior != null && isServerOrigin(v.prior) && v.prior.source() != GucSource.OVERRIDE) v.prior = now;
            if (v.masked != null && isServerOrigin(v.masked) && v.masked.source() != GucSource.OVERRIDE) v.masked = now;
        }
    }

    @Override
    public List<SettingRow> pgSettings() {
        TreeMap<String, Setting> sorted = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (Setting s : server.settings()) {
            if (s.has(Setting.Flag.HIDDEN)) continue;
            if (s.has(Setting.Flag.SUPERUSER_ONLY) && !superuser) continue;
            sorted.put(s.name, s);
        }
        Map<String, ServerValue> now = server.snapshot();
        List<SettingRow> rows = new ArrayList<>(sorted.size());
        for (Setting s : sorted.values()) {
            Var v = resolve(s.name);
            if (v == null) continue;
            String unit = s.unit;
            String min = null, max = null;
            if (s.type == GucType.INTEGER) {
                min = Long.toString(s.intMin);
                max = Long.toString(s.intMax);
            } else if (s.type == GucType.REAL) {
                min = GucValues.formatDouble(s.realMin);
                max = GucValues.formatDouble(s.realMax);
            }
            String[] enumVals = s.type == GucType.ENUM ? s.def.enumValues().toArray(new String[0]) : null;
            String boot = bootText(s);
            String resetVal = ServerSettings.settingText(s, v.reset.value(), this::otherValue);
            boolean showSource = superuser;
            ServerValue sv = now.get(s.name.toLowerCase(Locale.ROOT));
            rows.add(new SettingRow(s.name, ServerSettings.settingText(s, v.current.value(), this::otherValue), unit,
                    s.def.category(), s.def.shortDesc(), null, s.context.label(), s.type.label(), v.current.source().label(),
                    min, max, enumVals, boot, resetVal,
                    showSource ? v.current.file() : null, showSource ? v.current.line() : null,
                    sv != null && sv.pendingRestart()));
        }
        return rows;
    }

    /** boot_val as pg_settings prints it: integers in decimal, even the modes SHOW prints in octal. */
    private static String bootText(Setting s) {
        String b = s.def.bootValue();
        if (b == null) return null;
        try {
            Object parsed = GucValues.parse(s, b, GucValues.NO_CONTEXT);
            if (parsed instanceof Long l) return Long.toString(l);
            return GucValues.setting(s, parsed);
        } catch (PgException e) {
            return b;
        }
    }
}
