package dev.nagare.auth;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The password rules (NIST SP 800-63B 5.1.1.2): at least 8 characters, at most 128 (hashing cost is
 * bounded), not only spaces, not one character repeated, not the user name, and not a password
 * known from breaches, nor such a password with the usual small changes. No composition rules.
 *
 * <p>The breach list is the zxcvbn password frequency list (49,232 passwords, MIT; see
 * {@code auth/README.md} beside it) plus Nagare's own short list. It is loaded once, at its first
 * use ({@code Accounts} checks passwords on a worker, never on an event loop), into a sorted array of 64-bit hashes
 * (about 400 KB). The variants checked are cheap rewrites of the candidate: look-alike characters
 * read as letters ({@code $}→s, {@code 0}→o, {@code @}→a, {@code 1}→i or l, ...) and digits,
 * punctuation and spaces dropped from either end, so {@code Pa$$w0rd}, {@code Summer2024} and
 * {@code Welcome1!} are refused like {@code password}, {@code summer} and {@code welcome}.
 */
public final class PasswordPolicy {
    public static final int MIN_LENGTH = 8;
    public static final int MAX_LENGTH = 128;
    private static final String[] LISTS = {"/auth/breached-passwords.txt", "/auth/common-passwords.txt"};
    private static final Pattern LEADING = Pattern.compile("^[\\p{N}\\p{P}\\p{S}\\s]+");
    private static final Pattern TRAILING = Pattern.compile("[\\p{N}\\p{P}\\p{S}\\s]+$");
    private static volatile long[] listed; // sorted hashes of the listed passwords

    private PasswordPolicy() {
    }

    /** Why {@code password} is refused for {@code username}, or empty when it is acceptable. */
    public static Optional<String> problem(String password, String username) {
        if (password == null || password.codePointCount(0, password.length()) < MIN_LENGTH) {
            return Optional.of("Password must be at least " + MIN_LENGTH + " characters.");
        }
        if (password.length() > MAX_LENGTH) {
            return Optional.of("Password must be at most " + MAX_LENGTH + " characters.");
        }
        if (password.codePoints().allMatch(c -> Character.isWhitespace(c) || Character.isSpaceChar(c))) {
            return Optional.of("Password must not be only spaces: use words or other characters too.");
        }
        if (password.codePoints().distinct().count() == 1) {
            return Optional.of("Password must not be one character repeated: such passwords are guessed first.");
        }
        String lower = password.toLowerCase(Locale.ROOT);
        if (isListed(lower)) {
            return Optional.of("This password is too common: it is on a list of passwords leaked in data breaches,"
                    + " which attackers try first. Choose another.");
        }
        for (String v : variants(lower)) {
            if (isListed(v)) {
                return Optional.of("This password is too common: it is a leaked password with look-alike characters"
                        + " (such as $ for s or 0 for o) or digits and symbols added at an end, which attackers try"
                        + " early. Choose another.");
            }
        }
        if (username != null && !username.isBlank() && lower.contains(username.toLowerCase(Locale.ROOT))) {
            return Optional.of("Password must not contain the user name.");
        }
        return Optional.empty();
    }

    /** Loads the lists (once; later calls return at once). Returns how many passwords are listed. */
    public static synchronized int load() {
        if (listed == null) {
            long[] hashes = new long[64 * 1024];
            int n = 0;
            for (String name : LISTS) {
                try (InputStream in = PasswordPolicy.class.getResourceAsStream(name)) {
                    if (in == null) {
                        throw new IllegalStateException("missing " + name);
                    }
                    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                    for (String line; (line = r.readLine()) != null; ) {
                        String w = line.strip();
                        if (!w.isEmpty() && !w.startsWith("#")) {
                            if (n == hashes.length) {
                                hashes = Arrays.copyOf(hashes, n * 2);
                            }
                            hashes[n++] = hash(w.toLowerCase(Locale.ROOT));
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            long[] sorted = Arrays.copyOf(hashes, n);
            Arrays.sort(sorted);
            listed = Arrays.copyOf(sorted, dedupe(sorted));
        }
        return listed.length;
    }

    /** Whether {@code lowerCased} is on the lists as it is. */
    static boolean isListed(String lowerCased) {
        long[] l = listed;
        if (l == null) {
            load(); // the first check since the process started
            l = listed;
        }
        return !lowerCased.isEmpty() && Arrays.binarySearch(l, hash(lowerCased)) >= 0;
    }

    /** The cheap rewrites of {@code lower} that are checked too (not {@code lower} itself). */
    static Set<String> variants(String lower) {
        Set<String> bases = new LinkedHashSet<>();
        String trail = TRAILING.matcher(lower).replaceAll("");
        bases.add(lower);
        bases.add(trail);
        bases.add(LEADING.matcher(lower).replaceAll(""));
        bases.add(LEADING.matcher(trail).replaceAll(""));
        Set<String> out = new LinkedHashSet<>();
        for (String b : bases) {
            for (char one : new char[] {'i', 'l'}) {
                String plain = unleet(b, one);
                out.add(b);
                out.add(plain);
                out.add(LEADING.matcher(TRAILING.matcher(plain).replaceAll("")).replaceAll(""));
            }
        }
        out.remove(lower);
        out.removeIf(v -> v.length() < 3);
        return out;
    }

    /** Look-alike characters read as the letters they stand for; {@code 1} as {@code one}. */
    private static String unleet(String s, char one) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(switch (c) {
                case '0' -> 'o';
                case '1' -> one;
                case '!' -> 'i';
                case '|' -> 'l';
                case '3' -> 'e';
                case '4', '@' -> 'a';
                case '5', '$' -> 's';
                case '7', '+' -> 't';
                case '8' -> 'b';
                case '9' -> 'g';
                default -> c;
            });
        }
        return b.toString();
    }

    /** FNV-1a over the UTF-16 units, then a 64-bit finaliser: no collisions in practice among 50,000. */
    private static long hash(String s) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < s.length(); i++) {
            h ^= s.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    private static int dedupe(long[] sorted) {
        int n = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                sorted[n++] = sorted[i];
            }
        }
        return n;
    }
}
