package org.pgkernel.hba.internal.rule;

import java.util.List;
import org.pgkernel.hba.internal.file.AuthToken;
import org.pgkernel.hba.internal.file.ConfigReport;
import org.pgkernel.hba.internal.file.TokenizedLine;

/** Parses one tokenized pg_ident.conf line: map name, system user, database user (cf. parse_ident_line()). */
public final class IdentLineParser {
    private IdentLineParser() {
    }

    public static ParseResult<IdentLine> parse(TokenizedLine tok, ConfigReport report) {
        String context = ConfigReport.lineContext(tok.lineNumber(), tok.fileName());
        List<List<AuthToken>> fields = tok.fields();
        String[] names = new String[1];
        AuthToken[] users = new AuthToken[2];
        for (int i = 0; i < 3; i++) {
            if (i >= fields.size()) {
                report.report("missing entry at end of line", null, context);
                return new ParseResult<>(null, "missing entry at end of line");
            }
            List<AuthToken> tokens = fields.get(i);
            if (tokens.size() > 1) {
                report.report("multiple values in ident field", null, context);
                return new ParseResult<>(null, "multiple values in ident field");
            }
            if (i == 0) {
                names[0] = tokens.get(0).string();
            } else {
                users[i - 1] = tokens.get(0);
            }
        }
        String[] err = new String[1];
        AuthToken sys = HbaLineParser.compile(users[0], report, context, err);
        if (sys == null) {
            return new ParseResult<>(null, err[0]);
        }
        AuthToken pg = HbaLineParser.compile(users[1], report, context, err);
        if (pg == null) {
            return new ParseResult<>(null, err[0]);
        }
        return new ParseResult<>(new IdentLine(tok.fileName(), tok.lineNumber(), names[0], sys, pg), null);
    }
}
