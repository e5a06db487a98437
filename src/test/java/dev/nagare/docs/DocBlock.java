package dev.nagare.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One fenced code block of a Markdown page: where it starts, its language, its lines, and the
 * {@code <!-- docs-harness: ... -->} note written right before it in the page, if any.
 */
record DocBlock(String page, int line, String lang, List<String> lines, String note) {
    private static final Pattern FENCE = Pattern.compile("^```\\s*([\\w-]*)\\s*$");
    private static final Pattern NOTE = Pattern.compile("^<!--\\s*docs-harness:\\s*(.*?)\\s*-->\\s*$");
    static final List<String> SHELL = List.of("sh", "bash", "console", "shell");

    /** Every fenced block of {@code markdown}, in page order. */
    static List<DocBlock> parse(String page, String markdown) {
        List<DocBlock> out = new ArrayList<>();
        String[] lines = markdown.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher open = FENCE.matcher(lines[i]);
            if (!open.matches()) {
                continue;
            }
            String note = null;
            for (int j = i - 1; j >= 0 && note == null; j--) {
                if (lines[j].isBlank()) {
                    continue;
                }
                Matcher m = NOTE.matcher(lines[j].strip());
                note = m.matches() ? m.group(1) : "";
            }
            List<String> body = new ArrayList<>();
            int start = i + 1;
            for (i++; i < lines.length && !lines[i].startsWith("```"); i++) {
                body.add(lines[i]);
            }
            out.add(new DocBlock(page, start, open.group(1), body, note == null || note.isEmpty() ? null : note));
        }
        return out;
    }

    boolean isShell() {
        return SHELL.contains(lang);
    }

    /** The reason given by a {@code skip (reason)} note, or null when the block is to run. */
    String skipReason() {
        if (note == null || !note.startsWith("skip")) {
            return null;
        }
        String reason = note.substring(4).strip();
        return reason.startsWith("(") && reason.endsWith(")") ? reason.substring(1, reason.length() - 1) : reason;
    }

    /** Options for the server the harness starts around this block ({@code server --opt value}), or null. */
    String serverOptions() {
        return note != null && note.startsWith("server") ? note.substring(6).strip() : null;
    }

    /**
     * The commands of a shell block as a shell reads them: backslash continuations joined, comments
     * dropped; in a {@code console} block only the {@code $ } lines (the rest is output).
     */
    List<String> commands() {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String raw : lines) {
            String line = raw;
            if (lang.equals("console")) {
                if (cur.isEmpty() && !line.startsWith("$ ")) {
                    continue;
                }
                line = cur.isEmpty() ? line.substring(2) : line;
            }
            line = stripComment(line).stripTrailing();
            if (line.endsWith("\\")) {
                cur.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            cur.append(line);
            if (!cur.toString().isBlank()) {
                out.add(cur.toString().strip());
            }
            cur.setLength(0);
        }
        return out;
    }

    /** The line without a {@code #} comment (one outside quotes, at the start or after a blank). */
    static String stripComment(String line) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"') {
                    i++;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '\\') {
                i++;
            } else if (c == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }

    @Override
    public String toString() {
        return page + ":" + line;
    }
}
