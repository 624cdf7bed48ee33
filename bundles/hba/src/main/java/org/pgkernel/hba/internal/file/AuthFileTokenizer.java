package org.pgkernel.hba.internal.file;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Turns an authentication file into {@link TokenizedLine}s (cf. hba.c tokenize_auth_file(),
 * next_token(), next_field_expand(), tokenize_include_file(), tokenize_expand_file()).
 *
 * <p>Continuation happens before tokenizing: a line ending in a backslash is joined with the
 * next one, so quotes and comments carry over. Within a line, tokens are separated by blanks
 * (space, tab, CR) and commas; a comma binds the next token into the same field; double quotes
 * protect blanks, commas and {@code #}, and two double quotes stand for one. An unquoted
 * {@code @name} is replaced by the tokens of file {@code name}; lines of exactly two fields
 * starting with {@code include}, {@code include_if_exists} or {@code include_dir} pull in
 * other files' lines in place. Relative paths resolve against the including file's directory.
 *
 * <p>Errors never throw: they are reported through {@link ConfigReport} and stored in the
 * line's {@code error}, so one bad line does not hide the others. Only the top-level file
 * failing to open throws, because the caller words that error differently when loading
 * (LOG, keep the old rules) and when filling a view (ERROR).
 *
 * <p>Stateless apart from the report; safe to use from several threads.
 */
public final class AuthFileTokenizer {
    /** cf. CONF_FILE_MAX_DEPTH: a guard against include loops. */
    public static final int MAX_DEPTH = 10;

    private final ConfigReport report;

    public AuthFileTokenizer(ConfigReport report) {
        this.report = report;
    }

    /** Tokenizes a top-level file; its path should be absolute, it is what messages show. */
    public List<TokenizedLine> tokenize(Path file) throws IOException {
        List<String> physical = readLines(file);
        List<TokenizedLine> out = new ArrayList<>();
        tokenize(file, physical, out, 0);
        return out;
    }

    private static List<String> readLines(Path file) throws IOException {
        String content = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>(List.of(content.split("\n", -1)));
        if (!lines.isEmpty() && lines.getLast().isEmpty()) {
            lines.removeLast();
        }
        return lines;
    }

    /** A mutable slot for err_msg. */
    private static final class Err {
        String msg;
    }

    private void tokenize(Path file, List<String> physical, List<TokenizedLine> out, int depth) {
        String fileName = file.toString();
        int lineNumber = 1;
        int next = 0;
        while (next < physical.size()) {
            StringBuilder buf = new StringBuilder();
            int lastBackslash = 0;
            int continuations = 0;
            while (next < physical.size()) {
                buf.append(physical.get(next++));
                int len = buf.length();
                while (len > 0 && (buf.charAt(len - 1) == '\n' || buf.charAt(len - 1) == '\r')) {
                    len--;
                }
                buf.setLength(len);
                if (len > lastBackslash && buf.charAt(len - 1) == '\\') {
                    buf.setLength(len - 1);
                    lastBackslash = len - 1;
                    continuations++;
                    continue;
                }
                break;
            }
            String raw = buf.toString();
            String context = ConfigReport.lineContext(lineNumber, fileName);
            Err err = new Err();
            List<List<AuthToken>> fields = new ArrayList<>();
            Cursor cursor = new Cursor(raw);
            while (!cursor.atEnd() && err.msg == null) {
                List<AuthToken> field = nextFieldExpand(file, cursor, depth, err, context);
                if (!field.isEmpty()) {
                    fields.add(field);
                }
            }
            boolean emit = !(fields.isEmpty() && err.msg == null);
            if (emit && err.msg == null && fields.size() == 2) {
                String first = fields.get(0).get(0).string();
                String second = fields.get(1).get(0).string();
                switch (first) {
                    case "include" -> {
                        includeFile(file, second, out, depth + 1, false, err, context);
                        emit = err.msg != null;
                    }
                    case "include_if_exists" -> {
                        includeFile(file, second, out, depth + 1, true, err, context);
                        emit = err.msg != null;
                    }
                    case "include_dir" -> {
                        List<Path> files = confFilesInDir(file, second, err, context);
                        if (files != null) {
                            StringBuilder errors = new StringBuilder();
                            for (Path f : files) {
                                Err one = new Err();
                                includeFile(file, f.toString(), out, depth + 1, false, one, context);
                                if (one.msg != null) {
                                    if (!errors.isEmpty()) {
                                        errors.append('\n');
                                    }
                                    errors.append(one.msg);
                                }
                            }
                            err.msg = errors.isEmpty() ? null : errors.toString();
                        }
                        emit = err.msg != null;
                    }
                    default -> {
                        // an ordinary line that happens to have two fields
                    }
                }
            }
            if (emit) {
                out.add(new TokenizedLine(fields, fileName, lineNumber, raw, err.msg));
            }
            lineNumber += continuations + 1;
        }
    }

    /** cf. AbsoluteConfigLocation(): absolute as is, else relative to the including file's directory. */
    static Path resolve(Path outer, String name) {
        Path p = Path.of(name);
        if (p.isAbsolute()) {
            return p.normalize();
        }
        Path dir = outer.toAbsolutePath().getParent();
        return (dir == null ? p : dir.resolve(p)).normalize();
    }

    /** cf. open_auth_file(): the file's lines, or null with the error reported and stored. */
    private List<String> open(Path file, int depth, Err err, String context, boolean missingOk) {
        if (depth > MAX_DEPTH) {
            String msg = "could not open file \"" + file + "\": maximum nesting depth exceeded";
            report.report(msg, null, context);
            err.msg = msg;
            return null;
        }
        try {
            return readLines(file);
        } catch (IOException e) {
            if (missingOk && FileErrors.isMissing(e)) {
                report.report("skipping missing authentication file \"" + file + "\"", null, context);
                return null;
            }
            String msg = "could not open file \"" + file + "\": " + FileErrors.strerror(e);
            report.report(msg, null, context);
            err.msg = msg;
            return null;
        }
    }

    private void includeFile(Path outer, String name, List<TokenizedLine> out, int depth, boolean missingOk,
                             Err err, String context) {
        Path full = resolve(outer, name);
        List<String> lines = open(full, depth, err, context, missingOk);
        if (lines != null) {
            tokenize(full, lines, out, depth);
        }
    }

    /** cf. tokenize_expand_file(): the tokens of an @file appended to {@code tokens}. */
    private void expandFile(List<AuthToken> tokens, Path outer, String name, int depth, Err err, String context) {
        Path full = resolve(outer, name);
        List<String> lines = open(full, depth, err, context, false);
        if (lines == null) {
            return;
        }
        List<TokenizedLine> inner = new ArrayList<>();
        tokenize(full, lines, inner, depth);
        for (TokenizedLine line : inner) {
            if (line.error() != null) {
                err.msg = line.error();
                break;
            }
            for (List<AuthToken> field : line.fields()) {
                tokens.addAll(field);
            }
        }
    }

    /** cf. GetConfFilesInDir(): the directory's *.conf files (not hidden, not directories) in strcmp order. */
    private List<Path> confFilesInDir(Path outer, String dirName, Err err, String context) {
        if (dirName.isEmpty()) {
            String msg = "empty configuration directory name: \"" + dirName + "\"";
            report.report(msg, null, context);
            err.msg = msg;
            return null;
        }
        Path dir = resolve(outer, dirName);
        List<Path> files = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                String n = p.getFileName().toString();
                if (n.length() < 6 || n.startsWith(".") || !n.endsWith(".conf") || Files.isDirectory(p)) {
                    continue;
                }
                files.add(p.normalize());
            }
        } catch (IOException e) {
            report.report("could not open directory \"" + dir + "\": " + FileErrors.strerror(e), null, context);
            err.msg = "could not open directory \"" + dir + "\"";
            return null;
        }
        files.sort((a, b) -> compareBytes(a.toString(), b.toString()));
        return files;
    }

    private static int compareBytes(String a, String b) {
        byte[] x = a.getBytes(StandardCharsets.UTF_8);
        byte[] y = b.getBytes(StandardCharsets.UTF_8);
        return java.util.Arrays.compareUnsigned(x, y);
    }

    /** cf. next_field_expand(): one field, i.e. a comma-separated run of tokens, @files expanded. */
    private List<AuthToken> nextFieldExpand(Path file, Cursor cursor, int depth, Err err, String context) {
        List<AuthToken> tokens = new ArrayList<>();
        Token t;
        do {
            t = nextToken(cursor);
            if (t == null) {
                break;
            }
            if (!t.initialQuote && t.text.length() > 1 && t.text.charAt(0) == '@') {
                expandFile(tokens, file, t.text.substring(1), depth + 1, err, context);
            } else {
                tokens.add(AuthToken.of(t.text, t.initialQuote));
            }
        } while (t.terminatingComma && err.msg == null);
        return tokens;
    }

    private record Token(String text, boolean initialQuote, boolean terminatingComma) {
    }

    static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\r';
    }

    /**
     * cf. next_token(): the next token, or null at end of line. A token ends at an unquoted
     * blank or comma (the comma is not consumed, only noted) or at an unquoted {@code #}, which
     * discards the rest of the line. A missing closing quote is not an error: the token runs
     * to the end of the line.
     */
    private static Token nextToken(Cursor cur) {
        while (!cur.atEnd() && (isBlank(cur.peek()) || cur.peek() == ',')) {
            cur.pos++;
        }
        StringBuilder buf = new StringBuilder();
        boolean inQuote = false;
        boolean wasQuote = false;
        boolean sawQuote = false;
        boolean initialQuote = false;
        boolean comma = false;
        while (!cur.atEnd() && (!isBlank(cur.peek()) || inQuote)) {
            char c = cur.peek();
            if (c == '#' && !inQuote) {
                cur.pos = cur.text.length();
                break;
            }
            if (c == ',' && !inQuote) {
                comma = true;
                break;
            }
            if (c != '"' || wasQuote) {
                buf.append(c);
            }
            if (inQuote && c == '"') {
                wasQuote = !wasQuote;
            } else {
                wasQuote = false;
            }
            if (c == '"') {
                inQuote = !inQuote;
                sawQuote = true;
                if (buf.isEmpty()) {
                    initialQuote = true;
                }
            }
            cur.pos++;
        }
        if (!sawQuote && buf.isEmpty()) {
            return null;
        }
        return new Token(buf.toString(), initialQuote, comma);
    }

    private static final class Cursor {
        final String text;
        int pos;

        Cursor(String text) {
            this.text = text;
        }

        boolean atEnd() {
            return pos >= text.length();
        }

        char peek() {
            return text.charAt(pos);
        }
    }
}
