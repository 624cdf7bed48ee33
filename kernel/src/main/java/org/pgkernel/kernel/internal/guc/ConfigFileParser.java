package org.pgkernel.kernel.internal.guc;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Reads postgresql.conf and the files it includes into a list of (name, value, file, line)
 * items, as guc-file.l's ParseConfigFile() does. It does not look at names or values: that
 * is {@link ServerSettings}' job.
 *
 * <p>Syntax, token by token as guc-file.l's lexer cuts them (longest match; on a tie the
 * earlier rule): {@code name [=] value} per line, {@code #} starts a comment, a name is an
 * identifier or {@code prefix.name}, a value is an identifier, a number with unit letters
 * ({@code 16MB}, {@code 0x1f}), a decimal, an unquoted string of letters, digits and
 * {@code -._:/}, or a single-quoted string with {@code ''} and backslash escapes.
 * {@code include 'file'}, {@code include_if_exists 'file'} and {@code include_dir 'dir'}
 * (its {@code *.conf} files in name order, dot files skipped) read other files; a relative
 * path resolves against the directory of the file that names it. Includes nest at most 10
 * deep.
 *
 * <p>Errors do not stop the parse of the remaining lines (up to 100 syntax errors per
 * file): each is reported to the log consumer at LOG level as PostgreSQL words it and
 * recorded as an item without a name (as pg_file_settings shows it), and
 * {@link Result#ok()} is false.
 */
final class ConfigFileParser {

    static final int MAX_DEPTH = 10;

    /** One line of a configuration file; {@code name} null for an error line. Mutable: the registry marks it while applying. */
    static final class Item {
        final String name;
        final String value;
        final String file;
        final int line;
        String error;
        boolean ignore;
        boolean applied;

        Item(String name, String value, String file, int line, String error) {
            this.name = name;
            this.value = value;
            this.file = file;
            this.line = line;
            this.error = error;
        }

        @Override
        public String toString() { return file + ":" + line + " " + name + "=" + value; }
    }

    /** The items read, in file order, and whether every file could be read without a syntax error. */
    record Result(List<Item> items, boolean ok) { }

    private final Consumer<String> log;
    private final List<Item> items = new ArrayList<>();

    private ConfigFileParser(Consumer<String> log) {
        this.log = log;
    }

    /**
     * Parses {@code file} (absolute) and its includes.
     *
     * @param strict a missing file is an error (true) or is skipped with a LOG line (false)
     * @param log receives the LOG-level messages
     */
    static Result parse(Path file, boolean strict, Consumer<String> log) {
        ConfigFileParser p = new ConfigFileParser(log);
        boolean ok = p.parseFile(file, strict, null, 0, 0);
        return new Result(p.items, ok);
    }

    private boolean parseFile(Path path, boolean strict, String callingFile, int callingLine, int depth) {
        String fileName = path.toString();
        if (depth > MAX_DEPTH) {
            log.accept(String.format(Locale.ROOT, "could not open configuration file \"%s\": maximum nesting depth exceeded", fileName));
            items.add(new Item(null, null, callingFile, callingLine, "nesting depth exceeded"));
            return false;
        }
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            if (!strict) {
                log.accept(String.format(Locale.ROOT, "skipping missing configuration file \"%s\"", fileName));
                return true;
            }
            log.accept(String.format(Locale.ROOT, "could not open configuration file \"%s\": No such file or directory", fileName));
            items.add(new Item(null, null, callingFile, callingLine, "could not open file \"" + fileName + "\""));
            return false;
        } catch (IOException e) {
            log.accept(String.format(Locale.ROOT, "could not open configuration file \"%s\": %s", fileName, ioReason(e)));
            items.add(new Item(null, null, callingFile, callingLine, "could not open file \"" + fileName + "\""));
            return false;
        } catch (java.io.UncheckedIOException e) {
            // malformed input: PostgreSQL reads bytes; fall back to ISO-8859-1 so no byte is lost
            try {
                text = Files.readString(path, StandardCharsets.ISO_8859_1);
            } catch (IOException e2) {
                log.accept(String.format(Locale.ROOT, "could not open configuration file \"%s\": %s", fileName, ioReason(e2)));
                return false;
            }
        }
        return parseText(text, path, depth);
    }

    private static String ioReason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) return "Permission denied";
        if (e instanceof java.nio.file.NotDirectoryException) return "Not a directory";
        String m = e.getMessage();
        return m == null ? "I/O error" : m;
    }

    // ---- lexer --------------------------------------------------------------------------

    enum Tok { EOF, EOL, ID, QUALIFIED_ID, STRING, UNQUOTED_STRING, INTEGER, REAL, EQUALS, ERROR }

    private static final class Lexer {
        final String s;
        int pos;
        int line = 1;
        String text = "";

        Lexer(String s) { this.s = s; }

        Tok next() {
            while (true) {
                if (pos >= s.length()) { text = ""; return Tok.EOF; }
                char c = s.charAt(pos);
                if (c == '\n') { pos++; line++; text = "\n"; return Tok.EOL; }
                if (c == ' ' || c == '\t' || c == '\r') { pos++; continue; }
                if (c == '#') {
                    while (pos < s.length() && s.charAt(pos) != '\n') pos++;
                    continue;
                }
                break;
            }
            // longest match among the rules, the earlier rule on a tie (flex's rule)
            int best = 0;
            Tok tok = Tok.ERROR;
            int[] lens = {id(pos), qualifiedId(pos), string(pos), unquoted(pos), integer(pos), real(pos)};
            Tok[] toks = {Tok.ID, Tok.QUALIFIED_ID, Tok.STRING, Tok.UNQUOTED_STRING, Tok.INTEGER, Tok.REAL};
            for (int i = 0; i < lens.length; i++) {
                if (lens[i] > best) { best = lens[i]; tok = toks[i]; }
            }
            if (best == 0 && s.charAt(pos) == '=') { best = 1; tok = Tok.EQUALS; }
            if (best == 0) { best = 1; tok = Tok.ERROR; }
            text = s.substring(pos, pos + best);
            pos += best;
            return tok;
        }

        private boolean isLetter(int i) {
            if (i >= s.length()) return false;
            char c = s.charAt(i);
            return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || c >= 0x80;
        }

        private boolean isLetterOrDigit(int i) {
            return isLetter(i) || (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9');
        }

        private boolean isDigit(int i) { return i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9'; }

        private int id(int p) {
            if (!isLetter(p)) return 0;
            int i = p + 1;
            while (isLetterOrDigit(i)) i++;
            return i - p;
        }

        private int qualifiedId(int p) {
            int a = id(p);
            if (a == 0 || p + a >= s.length() || s.charAt(p + a) != '.') return 0;
            int b = id(p + a + 1);
            return b == 0 ? 0 : a + 1 + b;
        }

        private int unquoted(int p) {
            if (!isLetter(p)) return 0;
            int i = p + 1;
            while (i < s.length() && (isLetterOrDigit(i) || "-._:/".indexOf(s.charAt(i)) >= 0)) i++;
            return i - p;
        }

        private int string(int p) {
            if (p >= s.length() || s.charAt(p) != '\'') return 0;
            int i = p + 1;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '\n') return 0;
                if (c == '\\') {
                    if (i + 1 < s.length() && s.charAt(i + 1) != '\n') { i += 2; continue; }
                    return 0;
                }
                if (c == '\'') {
                    if (i + 1 < s.length() && s.charAt(i + 1) == '\'') { i += 2; continue; }
                    return i + 1 - p;
                }
                i++;
            }
            return 0;
        }

        private int sign(int p) {
            return p < s.length() && (s.charAt(p) == '+' || s.charAt(p) == '-') ? 1 : 0;
        }

        /** {SIGN}?({DIGIT}+|0x{HEXDIGIT}+){UNIT_LETTER}* */
        private int integer(int p) {
            int start = p + sign(p);
            int best = 0;
            int i = start;
            while (isDigit(i)) i++;
            if (i > start) best = letters(i) - p;
            if (start + 2 < s.length() && s.charAt(start) == '0' && s.charAt(start + 1) == 'x' && isHex(start + 2)) {
                int j = start + 2;
                while (isHex(j)) j++;
                best = Math.max(best, letters(j) - p);
            }
            return best;
        }

        private boolean isHex(int i) {
            return i < s.length() && s.charAt(i) < 128 && Character.digit(s.charAt(i), 16) >= 0;
        }

        private int letters(int i) {
            while (i < s.length() && ((s.charAt(i) >= 'a' && s.charAt(i) <= 'z') || (s.charAt(i) >= 'A' && s.charAt(i) <= 'Z'))) i++;
            return i;
        }

        private int real(int p) {
            int i = p + sign(p);
            while (isDigit(i)) i++;
            if (i >= s.length() || s.charAt(i) != '.') return 0;
            i++;
            while (isDigit(i)) i++;
            if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
                int j = i + 1 + sign(i + 1);
                if (isDigit(j)) {
                    while (isDigit(j)) j++;
                    i = j;
                }
            }
            return i - p;
        }
    }

    // ---- grammar ------------------------------------------------------------------------

    private boolean parseText(String text, Path path, int depth) {
        String file = path.toString();
        Lexer lx = new Lexer(text);
        boolean ok = true;
        int errors = 0;
        Tok t;
        while ((t = lx.next()) != Tok.EOF) {
            if (t == Tok.EOL) continue;
            if (t != Tok.ID && t != Tok.QUALIFIED_ID) {
                ok = false;
                if (syntaxError(lx, t, file) || ++errors >= 100) return tooMany(file, errors);
                if (resync(lx)) break;
                continue;
            }
            String name = lx.text;
            t = lx.next();
            if (t == Tok.EQUALS) t = lx.next();
            if (t != Tok.ID && t != Tok.STRING && t != Tok.INTEGER && t != Tok.REAL && t != Tok.UNQUOTED_STRING) {
                ok = false;
                if (syntaxError(lx, t, file) || ++errors >= 100) return tooMany(file, errors);
                if (t == Tok.EOF || (t != Tok.EOL && resync(lx))) break;
                continue;
            }
            String value = t == Tok.STRING ? deescape(lx.text) : lx.text;
            t = lx.next();
            int line;
            if (t == Tok.EOL) {
                line = lx.line - 1;
            } else if (t == Tok.EOF) {
                line = lx.line;
            } else {
                ok = false;
                if (syntaxError(lx, t, file) || ++errors >= 100) return tooMany(file, errors);
                if (resync(lx)) break;
                continue;
            }
            String lower = name.toLowerCase(Locale.ROOT);
            switch (lower) {
                case "include_dir" -> ok &= parseDirectory(value, path, line, depth + 1);
                case "include_if_exists" -> ok &= parseFile(resolve(value, path), false, file, line, depth + 1);
                case "include" -> ok &= parseFile(resolve(value, path), true, file, line, depth + 1);
                default -> items.add(new Item(name, value, file, line, null));
            }
            if (t == Tok.EOF) break;
        }
        return ok;
    }

    /** Logs and records a syntax error; returns false (the caller counts errors). */
    private boolean syntaxError(Lexer lx, Tok t, String file) {
        if (t == Tok.EOL || t == Tok.EOF) {
            int line = t == Tok.EOL ? lx.line - 1 : lx.line;
            log.accept(String.format(Locale.ROOT, "syntax error in file \"%s\" line %d, near end of line", file, line));
            items.add(new Item(null, null, file, line, "syntax error"));
        } else {
            log.accept(String.format(Locale.ROOT, "syntax error in file \"%s\" line %d, near token \"%s\"", file, lx.line, lx.text));
            items.add(new Item(null, null, file, lx.line, "syntax error"));
        }
        return false;
    }

    private boolean tooMany(String file, int errors) {
        if (errors >= 100) log.accept(String.format(Locale.ROOT, "too many syntax errors found, abandoning file \"%s\"", file));
        return false;
    }

    /** Skips to the end of the line; true at the end of the file. */
    private static boolean resync(Lexer lx) {
        Tok t;
        do { t = lx.next(); } while (t != Tok.EOL && t != Tok.EOF);
        return t == Tok.EOF;
    }

    private boolean parseDirectory(String dir, Path callingPath, int line, int depth) {
        Path d = resolve(dir, callingPath);
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(d)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (n.startsWith(".") || !n.endsWith(".conf")) continue;
                if (Files.isDirectory(p)) continue;
                files.add(p);
            }
        } catch (NoSuchFileException e) {
            log.accept(String.format(Locale.ROOT, "could not open configuration directory \"%s\": No such file or directory", d));
            items.add(new Item(null, null, callingPath.toString(), line, "could not open directory \"" + d + "\""));
            return false;
        } catch (IOException e) {
            log.accept(String.format(Locale.ROOT, "could not open configuration directory \"%s\": %s", d, ioReason(e)));
            items.add(new Item(null, null, callingPath.toString(), line, "could not open directory \"" + d + "\""));
            return false;
        }
        files.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        boolean ok = true;
        for (Path f : files) ok &= parseFile(f, true, callingPath.toString(), line, depth);
        return ok;
    }

    /** cf. AbsoluteConfigLocation(): relative to the directory of the file that names it. */
    static Path resolve(String location, Path callingFile) {
        Path p = Path.of(location);
        if (p.isAbsolute()) return p;
        Path parent = callingFile.toAbsolutePath().getParent();
        return parent == null ? p.toAbsolutePath() : parent.resolve(p);
    }

    /** cf. DeescapeQuotedString(): strips the quotes, '' is ', backslash escapes \b \f \n \r \t, octal, else the character. */
    static String deescape(String quoted) {
        String s = quoted.substring(1, quoted.length() - 1);
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 1 < s.length()) {
                char n = s.charAt(++i);
                switch (n) {
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case '0', '1', '2', '3', '4', '5', '6', '7' -> {
                        int v = n - '0';
                        int k = 1;
                        while (k < 3 && i + 1 < s.length() && s.charAt(i + 1) >= '0' && s.charAt(i + 1) <= '7') {
                            v = v * 8 + (s.charAt(++i) - '0');
                            k++;
                        }
                        sb.append((char) (v & 0xff));
                    }
                    default -> sb.append(n);
                }
            } else if (c == '\'' && i + 1 < s.length() && s.charAt(i + 1) == '\'') {
                sb.append('\'');
                i++;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
