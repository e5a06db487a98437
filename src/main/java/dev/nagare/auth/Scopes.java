package dev.nagare.auth;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Token scopes: {@code action:resource} with a trailing {@code *} wildcard on the resource, e.g.
 * {@code publish:feed/*} grants {@code publish:feed/prices}; {@code *} alone grants everything.
 */
public final class Scopes {
    private static final Pattern SCOPE = Pattern.compile("\\*|[a-z]+:[A-Za-z0-9_./-]*\\*?");

    private Scopes() {
    }

    public static boolean grants(Set<String> granted, String required) {
        for (String g : granted) {
            if (g.equals("*") || g.equals(required)
                    || g.endsWith("*") && required.startsWith(g.substring(0, g.length() - 1))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code s} is one right ({@code action:resource}, a trailing {@code *} allowed), not the
     * bare {@code *} that grants everything: what a token from an identity provider may carry.
     */
    public static boolean isRight(String s) {
        return s != null && !s.equals("*") && SCOPE.matcher(s).matches();
    }

    /** Parses a comma- or space-separated list; throws {@link AuthException} on a malformed scope. */
    public static Set<String> parse(String list) {
        Set<String> out = new LinkedHashSet<>();
        for (String s : list.split("[,\\s]+")) {
            if (s.isEmpty()) {
                continue;
            }
            if (!SCOPE.matcher(s).matches()) {
                throw new AuthException("Malformed scope '" + s + "': use action:resource, e.g. publish:feed/*");
            }
            out.add(s);
        }
        return Set.copyOf(out);
    }
}
