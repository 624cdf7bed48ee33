package org.pgkernel.hba.internal.rule;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.pgkernel.hba.api.ConnectionType;
import org.pgkernel.hba.internal.file.AuthToken;
import org.pgkernel.hba.internal.file.ConfigReport;
import org.pgkernel.hba.internal.file.TokenizedLine;

/**
 * Parses one tokenized pg_hba.conf line (cf. hba.c parse_hba_line() and parse_hba_auth_opt()),
 * with PostgreSQL 16's messages. Every method name PostgreSQL knows is accepted here: whether
 * a bundle provides it is decided when a connection uses it (fail closed) and shown by
 * pg_hba_file_rules, because auth bundles come and go while the server runs.
 *
 * <p>Address fields never cause name lookups: anything that is not a numeric address is a
 * host name, looked up only when a connection is matched against it.
 *
 * @param sslEnabled             the ssl setting: hostssl lines report an error when off
 * @param gssEncryptionSupported whether GSSAPI encryption exists: hostgssenc lines report an
 *                               error when not (they load but never match)
 */
public record HbaLineParser(boolean sslEnabled, boolean gssEncryptionSupported) {

    private static final Set<String> MAP_METHODS = Set.of("ident", "peer", "gss", "sspi", "cert");
    private static final Set<String> GSS_METHODS = Set.of("gss", "sspi");

    /** Signals a rejected line; the message is already reported. */
    private static final class LineError extends Exception {
        private static final long serialVersionUID = 1L;

        LineError(String message) {
            super(message, null, false, false);
        }
    }

    /** The state of parsing one line, as parse_hba_line() keeps it in locals and HbaLine fields. */
    private static final class State {
        final ConfigReport report;
        final String context;
        String err;

        ConnectionType type;
        String method;
        final Map<String, String> options = new LinkedHashMap<>();
        String usermap;
        String clientcert;
        boolean includeRealm;
        String krbRealm;
        String pamservice;
        String ldapserver;
        int ldapport;
        boolean ldaptls;
        String ldapprefix;
        String ldapsuffix;
        String ldapbasedn;
        String ldapbinddn;
        String ldapbindpasswd;
        String ldapsearchattribute;
        String ldapsearchfilter;
        int ldapscope;
        String radiusservers;
        String radiussecrets;
        String radiusidentifiers;
        String radiusports;
        int nRadiusServers;
        int nRadiusSecrets;
        int nRadiusIdentifiers;
        int nRadiusPorts;

        State(ConfigReport report, TokenizedLine line) {
            this.report = report;
            this.context = ConfigReport.lineContext(line.lineNumber(), line.fileName());
        }

        /** ereport + *err_msg = …; return NULL. */
        LineError fail(String message) {
            return fail(message, null);
        }

        LineError fail(String message, String hint) {
            report.report(message, hint, context);
            err = message;
            return new LineError(message);
        }

        /** ereport without touching err_msg (PostgreSQL leaves it unset for a few option errors). */
        LineError failLogOnly(String message) {
            report.report(message, null, context);
            if (err == null) {
                err = message;
            }
            return new LineError(message);
        }
    }

    public ParseResult<HbaLine> parse(TokenizedLine tok, ConfigReport report) {
        State st = new State(report, tok);
        try {
            HbaLine line = parse(tok, st);
            return new ParseResult<>(line, st.err);
        } catch (LineError e) {
            return new ParseResult<>(null, st.err);
        }
    }

    private HbaLine parse(TokenizedLine tok, State st) throws LineError {
        List<List<AuthToken>> fields = tok.fields();
        int f = 0;
        List<AuthToken> tokens = fields.get(f);
        if (tokens.size() > 1) {
            throw st.fail("multiple values specified for connection type", "Specify exactly one connection type per line.");
        }
        String word = tokens.get(0).string();
        switch (word) {
            case "local" -> st.type = ConnectionType.LOCAL;
            case "host" -> st.type = ConnectionType.HOST;
            case "hostssl" -> {
                st.type = ConnectionType.HOSTSSL;
                if (!sslEnabled) {
                    st.report.report("hostssl record cannot match because SSL is disabled",
                            "Set ssl = on in postgresql.conf.", st.context);
                    st.err = "hostssl record cannot match because SSL is disabled";
                }
            }
            case "hostnossl" -> st.type = ConnectionType.HOSTNOSSL;
            case "hostgssenc" -> {
                st.type = ConnectionType.HOSTGSSENC;
                if (!gssEncryptionSupported) {
                    String msg = "hostgssenc record cannot match because GSSAPI is not supported by this build";
                    st.report.report(msg, null, st.context);
                    st.err = msg;
                }
            }
            case "hostnogssenc" -> st.type = ConnectionType.HOSTNOGSSENC;
            default -> throw st.fail("invalid connection type \"" + word + "\"");
        }

        f++;
        if (f >= fields.size()) {
            throw st.fail("end-of-line before database specification");
        }
        List<AuthToken> databases = compileAll(fields.get(f), st);

        f++;
        if (f >= fields.size()) {
            throw st.fail("end-of-line before role specification");
        }
        List<AuthToken> roles = compileAll(fields.get(f), st);

        HbaLine.IpCompare ipCompare = null;
        byte[] address = null;
        byte[] mask = null;
        String hostname = null;
        if (st.type != ConnectionType.LOCAL) {
            f++;
            if (f >= fields.size()) {
                throw st.fail("end-of-line before IP address specification");
            }
            tokens = fields.get(f);
            if (tokens.size() > 1) {
                throw st.fail("multiple values specified for host address", "Specify one address range per line.");
            }
            AuthToken token = tokens.get(0);
            if (token.isKeyword("all")) {
                ipCompare = HbaLine.IpCompare.ALL;
            } else if (token.isKeyword("samehost")) {
                ipCompare = HbaLine.IpCompare.SAMEHOST;
            } else if (token.isKeyword("samenet")) {
                ipCompare = HbaLine.IpCompare.SAMENET;
            } else {
                ipCompare = HbaLine.IpCompare.MASK;
                String str = token.string();
                int slash = str.indexOf('/');
                String cidr = null;
                if (slash >= 0) {
                    cidr = str.substring(slash + 1);
                    str = str.substring(0, slash);
                }
                address = InetText.parse(str);
                if (address == null) {
                    // getaddrinfo(AI_NUMERICHOST) said EAI_NONAME: it is a host name
                    hostname = str;
                }
                if (cidr != null) {
                    if (hostname != null) {
                        throw st.fail("specifying both host name and CIDR mask is invalid: \"" + token.string() + "\"");
                    }
                    int bits = InetText.parseMaskBits(cidr, address.length);
                    if (bits < 0) {
                        throw st.fail("invalid CIDR mask in address \"" + token.string() + "\"");
                    }
                    mask = InetText.cidrMask(bits, address.length);
                } else if (hostname == null) {
                    f++;
                    if (f >= fields.size()) {
                        throw st.fail("end-of-line before netmask specification",
                                "Specify an address range in CIDR notation, or provide a separate netmask.");
                    }
                    tokens = fields.get(f);
                    if (tokens.size() > 1) {
                        throw st.fail("multiple values specified for netmask");
                    }
                    String maskText = tokens.get(0).string();
                    mask = InetText.parse(maskText);
                    if (mask == null) {
                        throw st.fail("invalid IP mask \"" + maskText + "\": Name or service not known");
                    }
                    if (mask.length != address.length) {
                        throw st.fail("IP address and mask do not match");
                    }
                }
            }
        }

        f++;
        if (f >= fields.size()) {
            throw st.fail("end-of-line before authentication method");
        }
        tokens = fields.get(f);
        if (tokens.size() > 1) {
            throw st.fail("multiple values specified for authentication type",
                    "Specify exactly one authentication type per line.");
        }
        String method = tokens.get(0).string();
        if (!AuthMethods.KNOWN.contains(method)) {
            throw st.fail("invalid authentication method \"" + method + "\"");
        }
        // backwards compatibility: ident on a Unix socket is peer
        if (st.type == ConnectionType.LOCAL && method.equals("ident")) {
            method = "peer";
        }
        st.method = method;
        if (st.type == ConnectionType.LOCAL && method.equals("gss")) {
            throw st.fail("gssapi authentication is not supported on local sockets");
        }
        if (st.type != ConnectionType.LOCAL && method.equals("peer")) {
            throw st.fail("peer authentication is only supported on local sockets");
        }
        if (st.type != ConnectionType.HOSTSSL && method.equals("cert")) {
            throw st.fail("cert authentication is only supported on hostssl connections");
        }
        if (GSS_METHODS.contains(method)) {
            st.includeRealm = true;
        }

        for (f++; f < fields.size(); f++) {
            for (AuthToken t : fields.get(f)) {
                String s = t.string();
                int eq = s.indexOf('=');
                if (eq < 0) {
                    throw st.fail("authentication option not in name=value format: " + s);
                }
                String name = s.substring(0, eq);
                String val = s.substring(eq + 1);
                parseOption(name, val, st);
                st.options.put(name, val);
            }
        }

        checkMandatory(st);

        if (method.equals("cert")) {
            // cert implies verify-full, cf. the end of parse_hba_line()
            st.clientcert = "verify-full";
            st.options.put("clientcert", "verify-full");
        }

        return new HbaLine(tok.fileName(), tok.lineNumber(), tok.rawLine(), st.type, databases, roles, ipCompare,
                address, mask, hostname, method, Collections.unmodifiableMap(new LinkedHashMap<>(st.options)),
                viewOptions(st), st.err);
    }

    /** cf. regcomp_auth_token(): compiles tokens that start with a slash (quoted or not). */
    static AuthToken compile(AuthToken token, ConfigReport report, String context, String[] err) {
        if (!token.string().startsWith("/")) {
            return token;
        }
        String re = token.string().substring(1);
        try {
            return token.withRegex(AuthRegex.compile(re));
        } catch (IllegalArgumentException e) {
            String msg = "invalid regular expression \"" + re + "\": " + e.getMessage();
            report.report(msg, null, context);
            err[0] = msg;
            return null;
        }
    }

    private static List<AuthToken> compileAll(List<AuthToken> tokens, State st) throws LineError {
        List<AuthToken> out = new ArrayList<>(tokens.size());
        for (AuthToken t : tokens) {
            String[] err = new String[1];
            AuthToken c = compile(t, st.report, st.context, err);
            if (c == null) {
                st.err = err[0];
                throw new LineError(err[0]);
            }
            out.add(c);
        }
        return List.copyOf(out);
    }

    private static void requireMethod(State st, Set<String> methods, String name, String validMethods) throws LineError {
        if (!methods.contains(st.method)) {
            throw st.fail("authentication option \"" + name + "\" is only valid for authentication methods " + validMethods);
        }
    }

    /** cf. parse_hba_auth_opt(). */
    private static void parseOption(String name, String val, State st) throws LineError {
        st.ldapscope = 2; // LDAP_SCOPE_SUBTREE, set by every option as PostgreSQL does
        switch (name) {
            case "map" -> {
                requireMethod(st, MAP_METHODS, "map", "ident, peer, gssapi, sspi, and cert");
                st.usermap = val;
            }
            case "clientcert" -> {
                if (st.type != ConnectionType.HOSTSSL) {
                    throw st.fail("clientcert can only be configured for \"hostssl\" rows");
                }
                if (val.equals("verify-full")) {
                    st.clientcert = "verify-full";
                } else if (val.equals("verify-ca")) {
                    if (st.method.equals("cert")) {
                        st.report.report("clientcert only accepts \"verify-full\" when using \"cert\" authentication",
                                null, st.context);
                        st.err = "clientcert can only be set to \"verify-full\" when using \"cert\" authentication";
                        throw new LineError(st.err);
                    }
                    st.clientcert = "verify-ca";
                } else {
                    throw st.failLogOnly("invalid value for clientcert: \"" + val + "\"");
                }
            }
            case "clientname" -> {
                if (st.type != ConnectionType.HOSTSSL) {
                    throw st.fail("clientname can only be configured for \"hostssl\" rows");
                }
                if (!val.equals("CN") && !val.equals("DN")) {
                    throw st.failLogOnly("invalid value for clientname: \"" + val + "\"");
                }
            }
            case "pamservice" -> {
                requireMethod(st, Set.of("pam"), name, "pam");
                st.pamservice = val;
            }
            case "pam_use_hostname" -> requireMethod(st, Set.of("pam"), name, "pam");
            case "ldapurl" -> {
                requireMethod(st, Set.of("ldap"), name, "ldap");
                parseLdapUrl(val, st);
            }
            case "ldaptls" -> {
                requireMethod(st, Set.of("ldap"), name, "ldap");
                st.ldaptls = val.equals("1");
            }
            case "ldapscheme" -> {
                requireMethod(st, Set.of("ldap"), name, "ldap");
                if (!val.equals("ldap") && !val.equals("ldaps")) {
                    // logged only: PostgreSQL keeps the line
                    st.report.report("invalid ldapscheme value: \"" + val + "\"", null, st.context);
                }
            }
            case "ldapserver" -> {
                requireMethod(st, Set.of("ldap"), name, "ldap");
                st.ldapserver = val;
            }
            case "ldapport" -> {
                requireMethod(st, Set.of("ldap"), name, "ldap");
                st.ldapport = atoi(val);
                if (st.ldapport == 0) {
                    throw st.fail("invalid LDAP port number: \"" + val + "\"");
                }
            }
            case "ldapbinddn" -> {
                requireMethod(st, Set.of("ldap"), name, "ldap");
                st.ldapbinddn = val;
            }
            case "ldapbindpasswd" -> {
                requireMethod(st, Set.of("ldap"), name, "ldap");
                st.ldapbindpasswd = val;
            }
            case "ldapsearchattribute" -> {
                requireMethod(st, Set.of("ldap"), name, "ldap");
                st.ldapsearchattribute = val;
            }
            case "ldapsearchfilter" -> {
                requireMethod(st, Set.of("ldap"), name, "ldap");
                st.ldapsearchfilter = val;
            }
            case "ldapbasedn" -> {
                requireMethod(st, Set.of("ldap"), name, "ldap");
                st.ldapbasedn = val;
            }
            case "ldapprefix" -> {
                requireMethod(st, Set.of("ldap"), name, "ldap");
                st.ldapprefix = val;
            }
            case "ldapsuffix" -> {
                requireMethod(st, Set.of("ldap"), name, "ldap");
                st.ldapsuffix = val;
            }
            case "krb_realm" -> {
                requireMethod(st, GSS_METHODS, name, "gssapi and sspi");
                st.krbRealm = val;
            }
            case "include_realm" -> {
                requireMethod(st, GSS_METHODS, name, "gssapi and sspi");
                st.includeRealm = val.equals("1");
            }
            case "compat_realm", "upn_username" -> requireMethod(st, Set.of("sspi"), name, "sspi");
            case "radiusservers" -> {
                requireMethod(st, Set.of("radius"), name, "radius");
                List<String> list = splitList(val);
                if (list == null) {
                    throw st.failLogOnly("could not parse RADIUS server list \"" + val + "\"");
                }
                st.radiusservers = val;
                st.nRadiusServers = list.size();
            }
            case "radiusports" -> {
                requireMethod(st, Set.of("radius"), name, "radius");
                List<String> list = splitList(val);
                if (list == null) {
                    st.report.report("could not parse RADIUS port list \"" + val + "\"", null, st.context);
                    st.err = "invalid RADIUS port number: \"" + val + "\"";
                    throw new LineError(st.err);
                }
                for (String p : list) {
                    if (atoi(p) == 0) {
                        throw st.failLogOnly("invalid RADIUS port number: \"" + val + "\"");
                    }
                }
                st.radiusports = val;
                st.nRadiusPorts = list.size();
            }
            case "radiussecrets" -> {
                requireMethod(st, Set.of("radius"), name, "radius");
                List<String> list = splitList(val);
                if (list == null) {
                    throw st.failLogOnly("could not parse RADIUS secret list \"" + val + "\"");
                }
                st.radiussecrets = val;
                st.nRadiusSecrets = list.size();
            }
            case "radiusidentifiers" -> {
                requireMethod(st, Set.of("radius"), name, "radius");
                List<String> list = splitList(val);
                if (list == null) {
                    throw st.failLogOnly("could not parse RADIUS identifiers list \"" + val + "\"");
                }
                st.radiusidentifiers = val;
                st.nRadiusIdentifiers = list.size();
            }
            default -> throw st.fail("unrecognized authentication option name: \"" + name + "\"");
        }
    }

    private static void parseLdapUrl(String val, State st) throws LineError {
        java.net.URI uri;
        try {
            uri = new java.net.URI(val);
        } catch (java.net.URISyntaxException e) {
            throw st.fail("could not parse LDAP URL \"" + val + "\": Bad parameter to an ldap routine");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        if (!scheme.equals("ldap") && !scheme.equals("ldaps")) {
            throw st.fail("unsupported LDAP URL scheme: " + scheme);
        }
        if (uri.getHost() != null) {
            st.ldapserver = uri.getHost();
        }
        st.ldapport = Math.max(uri.getPort(), 0);
        String path = uri.getPath();
        if (path != null && path.length() > 1) {
            st.ldapbasedn = path.substring(1);
        }
        String query = uri.getQuery();
        if (query != null) {
            String[] parts = query.split("\\?", -1);
            if (parts.length > 0 && !parts[0].isEmpty()) {
                st.ldapsearchattribute = parts[0].split(",")[0];
            }
            if (parts.length > 1) {
                st.ldapscope = switch (parts[1]) {
                    case "base" -> 0;
                    case "one" -> 1;
                    default -> 2;
                };
            }
            if (parts.length > 2 && !parts[2].isEmpty()) {
                st.ldapsearchfilter = parts[2];
            }
        }
    }

    /** cf. the checks of mandatory arguments after the option loop in parse_hba_line(). */
    private static void checkMandatory(State st) throws LineError {
        if (st.method.equals("ldap")) {
            if (st.ldapprefix != null || st.ldapsuffix != null) {
                if (st.ldapbasedn != null || st.ldapbinddn != null || st.ldapbindpasswd != null
                        || st.ldapsearchattribute != null || st.ldapsearchfilter != null) {
                    throw st.fail("cannot mix options for simple bind and search+bind modes");
                }
            } else if (st.ldapbasedn == null) {
                throw st.fail("authentication method \"ldap\" requires argument \"ldapbasedn\", \"ldapprefix\", or \"ldapsuffix\" to be set");
            }
            if (st.ldapsearchattribute != null && st.ldapsearchfilter != null) {
                throw st.fail("cannot use ldapsearchattribute together with ldapsearchfilter");
            }
        }
        if (st.method.equals("radius")) {
            if (st.radiusservers == null) {
                throw st.fail("authentication method \"radius\" requires argument \"radiusservers\" to be set");
            }
            if (st.radiussecrets == null) {
                throw st.fail("authentication method \"radius\" requires argument \"radiussecrets\" to be set");
            }
            if (st.nRadiusServers == 0) {
                throw st.fail("list of RADIUS servers cannot be empty");
            }
            if (st.nRadiusSecrets == 0) {
                throw st.fail("list of RADIUS secrets cannot be empty");
            }
            if (!(st.nRadiusSecrets == 1 || st.nRadiusSecrets == st.nRadiusServers)) {
                throw st.fail("the number of RADIUS secrets (" + st.nRadiusSecrets
                        + ") must be 1 or the same as the number of RADIUS servers (" + st.nRadiusServers + ")");
            }
            if (!(st.nRadiusPorts <= 1 || st.nRadiusPorts == st.nRadiusServers)) {
                throw st.fail("the number of RADIUS ports (" + st.nRadiusPorts
                        + ") must be 1 or the same as the number of RADIUS servers (" + st.nRadiusServers + ")");
            }
            if (!(st.nRadiusIdentifiers <= 1 || st.nRadiusIdentifiers == st.nRadiusServers)) {
                throw st.fail("the number of RADIUS identifiers (" + st.nRadiusIdentifiers
                        + ") must be 1 or the same as the number of RADIUS servers (" + st.nRadiusServers + ")");
            }
        }
    }

    /** cf. get_hba_options() in hbafuncs.c: which options the view lists, in its order. */
    private static List<String> viewOptions(State st) {
        List<String> o = new ArrayList<>();
        if (GSS_METHODS.contains(st.method)) {
            if (st.includeRealm) {
                o.add("include_realm=true");
            }
            if (st.krbRealm != null) {
                o.add("krb_realm=" + st.krbRealm);
            }
        }
        if (st.usermap != null) {
            o.add("map=" + st.usermap);
        }
        String clientcert = st.method.equals("cert") ? "verify-full" : st.clientcert;
        if (clientcert != null) {
            o.add("clientcert=" + clientcert);
        }
        if (st.pamservice != null) {
            o.add("pamservice=" + st.pamservice);
        }
        if (st.method.equals("ldap")) {
            addIf(o, "ldapserver", st.ldapserver);
            if (st.ldapport != 0) {
                o.add("ldapport=" + st.ldapport);
            }
            if (st.ldaptls) {
                o.add("ldaptls=true");
            }
            addIf(o, "ldapprefix", st.ldapprefix);
            addIf(o, "ldapsuffix", st.ldapsuffix);
            addIf(o, "ldapbasedn", st.ldapbasedn);
            addIf(o, "ldapbinddn", st.ldapbinddn);
            addIf(o, "ldapbindpasswd", st.ldapbindpasswd);
            addIf(o, "ldapsearchattribute", st.ldapsearchattribute);
            addIf(o, "ldapsearchfilter", st.ldapsearchfilter);
            if (st.ldapscope != 0) {
                o.add("ldapscope=" + st.ldapscope);
            }
        }
        if (st.method.equals("radius")) {
            addIf(o, "radiusservers", st.radiusservers);
            addIf(o, "radiussecrets", st.radiussecrets);
            addIf(o, "radiusidentifiers", st.radiusidentifiers);
            addIf(o, "radiusports", st.radiusports);
        }
        return List.copyOf(o);
    }

    private static void addIf(List<String> o, String name, String value) {
        if (value != null) {
            o.add(name + "=" + value);
        }
    }

    /** C atoi(): leading blanks, a sign, digits; 0 when there are none. */
    static int atoi(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean neg = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            neg = s.charAt(i) == '-';
            i++;
        }
        long v = 0;
        while (i < n && Character.isDigit(s.charAt(i)) && v < Integer.MAX_VALUE) {
            v = v * 10 + (s.charAt(i) - '0');
            i++;
        }
        return (int) (neg ? -v : v);
    }

    /** cf. SplitGUCList(): comma-separated, blanks trimmed, double quotes allowed; null on a syntax error. */
    static List<String> splitList(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        if (i == n) {
            return out;
        }
        while (true) {
            StringBuilder item = new StringBuilder();
            if (i < n && s.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= n) {
                        return null;
                    }
                    char c = s.charAt(i++);
                    if (c == '"') {
                        if (i < n && s.charAt(i) == '"') {
                            item.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        item.append(c);
                    }
                }
            } else {
                while (i < n && s.charAt(i) != ',' && !Character.isWhitespace(s.charAt(i))) {
                    item.append(s.charAt(i++));
                }
                if (item.isEmpty()) {
                    return null;
                }
            }
            while (i < n && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
            out.add(item.toString());
            if (i >= n) {
                return out;
            }
            if (s.charAt(i) != ',') {
                return null;
            }
            i++;
            while (i < n && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }
    }
}
