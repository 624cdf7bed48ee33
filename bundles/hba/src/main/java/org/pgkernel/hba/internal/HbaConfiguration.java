package org.pgkernel.hba.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.pgkernel.hba.api.ConnectionRequest;
import org.pgkernel.hba.api.HbaMatch;
import org.pgkernel.hba.api.HbaRuleRow;
import org.pgkernel.hba.api.HbaService;
import org.pgkernel.hba.api.IdentRow;
import org.pgkernel.hba.api.RoleOracle;
import org.pgkernel.hba.internal.file.AuthFileTokenizer;
import org.pgkernel.hba.internal.file.ConfigReport;
import org.pgkernel.hba.internal.file.FileErrors;
import org.pgkernel.hba.internal.file.TokenizedLine;
import org.pgkernel.hba.internal.rule.AuthMethods;
import org.pgkernel.hba.internal.rule.HbaLine;
import org.pgkernel.hba.internal.rule.HbaLineParser;
import org.pgkernel.hba.internal.rule.HbaMatcher;
import org.pgkernel.hba.internal.rule.HostResolver;
import org.pgkernel.hba.internal.rule.IdentLine;
import org.pgkernel.hba.internal.rule.IdentLineParser;
import org.pgkernel.hba.internal.rule.IdentMatcher;
import org.pgkernel.hba.internal.rule.LocalInterfaces;
import org.pgkernel.hba.internal.rule.ParseResult;
import org.pgkernel.kernel.api.ErrorSeverity;
import org.pgkernel.kernel.api.PgException;
import org.pgkernel.kernel.api.SqlState;

/**
 * pg_hba.conf and pg_ident.conf loaded into an immutable {@link Snapshot}, plus the views
 * (cf. hba.c load_hba(), load_ident(); hbafuncs.c fill_hba_view(), fill_ident_view()).
 *
 * <p>Concurrency: {@link #match} and {@link #identMatches} read the current snapshot once and
 * never lock. {@link #reload} builds a new snapshot off to the side and publishes it with one
 * atomic store; reloads are serialized among themselves. A file with errors is not published
 * (its old rules stay), independently for the two files, as PostgreSQL does on SIGHUP.
 */
public class HbaConfiguration implements HbaService {

    /** What the backends use: immutable lists shared by every matching thread. */
    record Snapshot(List<HbaLine> hba, List<IdentLine> ident) {
        Snapshot {
            hba = List.copyOf(hba);
            ident = List.copyOf(ident);
        }
    }

    private final Path hbaFile;
    private final Path identFile;
    private final BooleanSupplier sslEnabled;
    private final ConfigReport report;
    private final HbaMatcher matcher;
    private final AtomicReference<Snapshot> current = new AtomicReference<>();
    private final Object reloadLock = new Object();

    /**
     * Loads both files. Throws FATAL "could not load …" when pg_hba.conf cannot be loaded, as
     * the postmaster refuses to start then; a bad pg_ident.conf is logged and leaves no maps.
     *
     * @param hbaFile    absolute path of pg_hba.conf (what messages show)
     * @param identFile  absolute path of pg_ident.conf
     * @param sslEnabled the ssl setting, read at every load
     * @param report     where LOG-level complaints go
     */
    public HbaConfiguration(Path hbaFile, Path identFile, BooleanSupplier sslEnabled, ConfigReport report,
                            HostResolver resolver, LocalInterfaces interfaces) {
        this.hbaFile = Objects.requireNonNull(hbaFile);
        this.identFile = Objects.requireNonNull(identFile);
        this.sslEnabled = Objects.requireNonNull(sslEnabled);
        this.report = Objects.requireNonNull(report);
        this.matcher = new HbaMatcher(resolver, interfaces);
        List<HbaLine> hba = loadHba();
        if (hba == null) {
            throw new PgException(ErrorSeverity.FATAL, SqlState.CONFIG_FILE_ERROR, "could not load " + hbaFile,
                    null, null, 0, null, null);
        }
        List<IdentLine> ident = loadIdent();
        if (ident == null) {
            report.report("could not load " + identFile, null, null);
            ident = List.of();
        }
        current.set(new Snapshot(hba, ident));
    }

    public Path hbaFile() {
        return hbaFile;
    }

    public Path identFile() {
        return identFile;
    }

    private HbaLineParser parser() {
        return new HbaLineParser(sslEnabled.getAsBoolean(), false);
    }

    /** cf. load_hba(): the new lines, or null (errors reported) when the file must not be used. */
    List<HbaLine> loadHba() {
        List<TokenizedLine> lines = tokenizeForLoad(hbaFile);
        if (lines == null) {
            return null;
        }
        HbaLineParser parser = parser();
        boolean ok = true;
        List<HbaLine> parsed = new ArrayList<>();
        for (TokenizedLine tl : lines) {
            if (tl.error() != null) {
                ok = false;
                continue;
            }
            ParseResult<HbaLine> r = parser.parse(tl, report);
            if (r.line() == null) {
                ok = false;
                continue;
            }
            parsed.add(r.line());
        }
        if (ok && parsed.isEmpty()) {
            report.report("configuration file \"" + hbaFile + "\" contains no entries", null, null);
            ok = false;
        }
        return ok ? parsed : null;
    }

    /** cf. load_ident(). */
    List<IdentLine> loadIdent() {
        List<TokenizedLine> lines = tokenizeForLoad(identFile);
        if (lines == null) {
            return null;
        }
        boolean ok = true;
        List<IdentLine> parsed = new ArrayList<>();
        for (TokenizedLine tl : lines) {
            if (tl.error() != null) {
                ok = false;
                continue;
            }
            ParseResult<IdentLine> r = IdentLineParser.parse(tl, report);
            if (r.line() == null) {
                ok = false;
                continue;
            }
            parsed.add(r.line());
        }
        return ok ? parsed : null;
    }

    private List<TokenizedLine> tokenizeForLoad(Path file) {
        try {
            return new AuthFileTokenizer(report).tokenize(file);
        } catch (IOException e) {
            report.report("could not open file \"" + file + "\": " + FileErrors.strerror(e), null, null);
            return null;
        }
    }

    @Override
    public HbaMatch match(ConnectionRequest request) {
        Objects.requireNonNull(request);
        return matcher.match(current.get().hba(), request);
    }

    @Override
    public boolean reload() {
        synchronized (reloadLock) {
            boolean ok = true;
            List<HbaLine> hba = loadHba();
            if (hba == null) {
                report.report("pg_hba.conf was not reloaded", null, null);
                ok = false;
            }
            List<IdentLine> ident = loadIdent();
            if (ident == null) {
                report.report("pg_ident.conf was not reloaded", null, null);
                ok = false;
            }
            Snapshot old = current.get();
            current.set(new Snapshot(hba != null ? hba : old.hba(), ident != null ? ident : old.ident()));
            return ok;
        }
    }

    @Override
    public List<HbaRuleRow> rules() {
        return rules(method -> true);
    }

    @Override
    public List<HbaRuleRow> rules(Predicate<String> methodAvailable) {
        List<TokenizedLine> lines = tokenizeForView(hbaFile);
        HbaLineParser parser = parser();
        List<HbaRuleRow> rows = new ArrayList<>(lines.size());
        int ruleNumber = 0;
        for (TokenizedLine tl : lines) {
            String error = tl.error();
            HbaLine line = null;
            if (error == null) {
                ParseResult<HbaLine> r = parser.parse(tl, ConfigReport.QUIET);
                line = r.line();
                error = r.error();
            }
            if (error == null) {
                ruleNumber++;
            }
            Integer number = error == null ? ruleNumber : null;
            if (line != null && error == null && !AuthMethods.BUILT_IN.contains(line.method())
                    && !methodAvailable.test(line.method())) {
                // still in effect (it matches and then fails closed), so it keeps its number
                error = "invalid authentication method \"" + line.method() + "\": not supported by this build";
            }
            if (line == null) {
                rows.add(new HbaRuleRow(number, tl.fileName(), tl.lineNumber(), null, null, null, null, null, null,
                        null, error));
            } else {
                rows.add(new HbaRuleRow(number, tl.fileName(), tl.lineNumber(), line.type().keyword(),
                        line.databases().stream().map(t -> t.string()).toList(),
                        line.roles().stream().map(t -> t.string()).toList(),
                        line.addressText(), line.maskText(), line.method(),
                        line.viewOptions().isEmpty() ? null : line.viewOptions(), error));
            }
        }
        return List.copyOf(rows);
    }

    @Override
    public List<IdentRow> identMappings() {
        List<TokenizedLine> lines = tokenizeForView(identFile);
        List<IdentRow> rows = new ArrayList<>(lines.size());
        int mapNumber = 0;
        for (TokenizedLine tl : lines) {
            String error = tl.error();
            IdentLine line = null;
            if (error == null) {
                ParseResult<IdentLine> r = IdentLineParser.parse(tl, ConfigReport.QUIET);
                line = r.line();
                error = r.error();
            }
            if (error == null) {
                mapNumber++;
            }
            Integer number = error == null ? mapNumber : null;
            rows.add(line == null
                    ? new IdentRow(number, tl.fileName(), tl.lineNumber(), null, null, null, error)
                    : new IdentRow(number, tl.fileName(), tl.lineNumber(), line.mapName(), line.systemUser().string(),
                            line.pgUser().string(), error));
        }
        return List.copyOf(rows);
    }

    /** The view reads the file as it is now; failing to open it is an ERROR, not a row. */
    private static List<TokenizedLine> tokenizeForView(Path file) {
        try {
            return new AuthFileTokenizer(ConfigReport.QUIET).tokenize(file);
        } catch (IOException e) {
            SqlState state = FileErrors.isMissing(e) ? SqlState.UNDEFINED_FILE : SqlState.IO_ERROR;
            throw PgException.error(state, "could not open file \"%s\": %s", file, FileErrors.strerror(e));
        }
    }

    @Override
    public boolean identMatches(String mapName, String systemUser, String pgRole) {
        return identMatches(mapName, systemUser, pgRole, RoleOracle.NONE, false);
    }

    @Override
    public boolean identMatches(String mapName, String systemUser, String pgRole, RoleOracle roles,
                                boolean caseInsensitive) {
        Objects.requireNonNull(systemUser);
        Objects.requireNonNull(pgRole);
        return IdentMatcher.matches(current.get().ident(), mapName, pgRole, systemUser,
                roles == null ? RoleOracle.NONE : roles, caseInsensitive);
    }
}
