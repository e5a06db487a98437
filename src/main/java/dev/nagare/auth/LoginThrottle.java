package dev.nagare.auth;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Brute-force throttling of password checks. An attempt is counted when it <em>arrives</em>, before
 * Argon2 runs, under one lock: concurrent guesses cannot slip past a check that has not seen their
 * failures yet (200 concurrent guesses get at most the free ones evaluated, the rest 429).
 *
 * <p>Three counters, each a leaky bucket (the count drains over time, so old mistakes are
 * forgotten) whose attempts past the free ones must be spaced by a doubling delay (1 s, 2 s, 4 s
 * ... up to a cap):
 * <ul>
 *   <li><b>(address, account)</b>: {@code freeAttempts} free, then the back-off up to 15 min; drains
 *       one attempt per 15 min, so one address gets about 4 guesses an hour at one account. A
 *       success clears this pair, and only this pair.</li>
 *   <li><b>address</b>, across accounts, against password spraying: 20 free, then the same back-off;
 *       drains one per 5 min. A success does <em>not</em> reset it (an attacker's own account must
 *       not launder their guesses at others): it only takes back its own attempt.</li>
 *   <li><b>account</b>, from every address together, against guessing spread over many addresses:
 *       100 free, drains one per minute, and past that it only <em>spaces</em> attempts (1 s up to
 *       60 s), never locks. Skipped for a browser holding the account's device cookie.</li>
 * </ul>
 *
 * <p>Why not lock the account after N failures, as this class did before: anyone could then lock
 * anyone out, from anywhere (OWASP Authentication Cheat Sheet, "Account Lockout": lock-out "can be
 * abused" for denial of service; NIST SP 800-63B 5.2.2 asks for rate limiting that does not lock
 * the owner out). Serious products throttle (address, account) pairs, keep an address budget
 * against spraying, and keep the account-wide limit soft and high; a client that has logged in to
 * the account before proves it with a device cookie and skips the account-wide and address limits
 * (OWASP "Slow Down Online Guessing Attacks with Device Cookies"). A stranger with one address can
 * make about 4 attempts an hour at someone else's account once their 5 free ones are used, while the
 * account drains 60 an hour: they can never push it to its soft limit, and the owner, from any
 * other address, is never refused because of them. Only guessing from dozens of addresses at once
 * reaches the account limit, and even then it spaces attempts rather than refusing them all.
 *
 * <p>Bounded: each map keeps its most recently used 100,000 keys. Only admitted attempts create
 * entries, so refused floods cannot grow it.
 */
public final class LoginThrottle {
    private static final int MAX_KEYS = 100_000;
    private static final long MINUTE = 60_000;

    /**
     * @param free attempts before the back-off starts
     * @param drainMs one attempt is forgotten every {@code drainMs}
     * @param maxWaitMs the back-off's cap
     */
    public record Rule(int free, long drainMs, long maxWaitMs) {
    }

    public static final Rule ADDRESS = new Rule(20, 5 * MINUTE, 15 * MINUTE);
    public static final Rule ACCOUNT = new Rule(100, MINUTE, MINUTE);

    /** A leaky count: {@code level} as of {@code levelAt}; {@code lastAt}: when the last attempt came. */
    private static final class Counter {
        double level;
        long levelAt;
        long lastAt;
    }

    /** One login attempt: refused (with a wait), or admitted and already counted as a failure. */
    public final class Attempt {
        private final long retryAfterMillis;
        private final String pairKey;
        private final String addressKey;
        private final String accountKey;
        private final long at;
        private final long addressBefore; // the counters' last attempt before this one
        private final long accountBefore;

        private Attempt(long retryAfterMillis, String pairKey, String addressKey, String accountKey, long at,
                long addressBefore, long accountBefore) {
            this.retryAfterMillis = retryAfterMillis;
            this.pairKey = pairKey;
            this.addressKey = addressKey;
            this.accountKey = accountKey;
            this.at = at;
            this.addressBefore = addressBefore;
            this.accountBefore = accountBefore;
        }

        public boolean allowed() {
            return retryAfterMillis == 0;
        }

        /** Milliseconds until this client may try this account again; 0 when admitted. */
        public long retryAfterMillis() {
            return retryAfterMillis;
        }

        /** The password was right: clears this (address, account) pair, takes back this attempt elsewhere. */
        public void succeeded(long now) {
            if (allowed()) {
                successes.incrementAndGet();
                LoginThrottle.this.succeeded(this, now);
            }
        }

        /** The password was wrong (or the account unknown): counted for the metrics; the throttle already has it. */
        public void failed() {
            if (allowed()) {
                failures.incrementAndGet();
                events.record("login failed", addressKey, accountKey);
            }
        }
    }

    /**
     * An admitted attempt (or a success) as the other nodes of a cluster apply it to their own
     * counters, so that guesses spread over the nodes count as if made at one.
     */
    public record Shared(boolean success, String ip, String user, long at, long addressBefore, long accountBefore) {
    }

    private final Rule pair;
    private final Rule address;
    private final Rule account;
    private volatile java.util.function.Consumer<Shared> sharing = s -> { };
    private volatile SecurityEvents events = new SecurityEvents();
    // Outcomes of this node's attempts, for the metrics (what other nodes share is not counted here).
    private final java.util.concurrent.atomic.AtomicLong successes = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong failures = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong throttled = new java.util.concurrent.atomic.AtomicLong();

    /** Logins this node let in, turned away for a wrong password, and refused before checking (429). */
    public long successes() {
        return successes.get();
    }

    public long failures() {
        return failures.get();
    }

    public long throttled() {
        return throttled.get();
    }
    private final Map<String, Counter> pairs = bounded();
    private final Map<String, Counter> addresses = bounded();
    private final Map<String, Counter> accounts = bounded();

    /** {@code freeAttempts} per (address, account) pair; the address and account rules as documented. */
    public LoginThrottle(int freeAttempts) {
        this(new Rule(freeAttempts, 15 * MINUTE, 15 * MINUTE), ADDRESS, ACCOUNT);
    }

    public LoginThrottle(Rule pair, Rule address, Rule account) {
        this.pair = pair;
        this.address = address;
        this.account = account;
    }

    /**
     * Counts an attempt by {@code ip} at {@code username} now, or refuses it. {@code trustedDevice}:
     * the client holds this account's device cookie (it logged in to it before), so the address and
     * account limits do not apply to it; its own (address, account) pair still does.
     */
    public synchronized Attempt begin(String ip, String username, boolean trustedDevice, long now) {
        String user = normalize(username);
        String pairKey = ip + "|" + user;
        long wait = wait(pairs.get(pairKey), pair, now);
        if (!trustedDevice) {
            wait = Math.max(wait, Math.max(wait(addresses.get(ip), address, now), wait(accounts.get(user), account, now)));
        }
        if (wait > 0) {
            throttled.incrementAndGet();
            events.record("login throttled", ip, user);
            return new Attempt(wait, null, null, null, now, 0, 0);
        }
        Attempt admitted = counted(ip, user, now);
        sharing.accept(new Shared(false, ip, user, now, admitted.addressBefore, admitted.accountBefore));
        return admitted;
    }

    private Attempt counted(String ip, String user, long now) {
        String pairKey = ip + "|" + user;
        add(pairs.computeIfAbsent(pairKey, k -> new Counter()), pair, now, 1);
        long addressBefore = add(addresses.computeIfAbsent(ip, k -> new Counter()), address, now, 1);
        long accountBefore = add(accounts.computeIfAbsent(user, k -> new Counter()), account, now, 1);
        return new Attempt(0, pairKey, ip, user, now, addressBefore, accountBefore);
    }

    private synchronized void succeeded(Attempt a, long now) {
        cleared(a, now);
        sharing.accept(new Shared(true, a.addressKey, a.accountKey, a.at, a.addressBefore, a.accountBefore));
    }

    private void cleared(Attempt a, long now) {
        pairs.remove(a.pairKey);
        refund(addresses, a.addressKey, address, now, a.at, a.addressBefore);
        refund(accounts, a.accountKey, account, now, a.at, a.accountBefore);
    }

    /** Where failed and throttled attempts are reported (the admin console's security events). */
    public void reportTo(SecurityEvents events) {
        this.events = events;
    }

    /** Hands every admitted attempt and success to {@code out} (a cluster's link), as they happen. */
    public void share(java.util.function.Consumer<Shared> out) {
        this.sharing = out;
    }

    /** Applies what another node admitted or cleared, as if it had happened here (without sharing it again). */
    public synchronized void apply(Shared s) {
        String user = normalize(s.user());
        long now = System.currentTimeMillis();
        if (s.success()) {
            cleared(new Attempt(0, s.ip() + "|" + user, s.ip(), user, s.at(), s.addressBefore(), s.accountBefore()), now);
        } else {
            counted(s.ip(), user, s.at());
        }
    }

    /** Takes back one attempt made at {@code at}; as if it had not come (unless others came since). */
    private static void refund(Map<String, Counter> map, String key, Rule rule, long now, long at, long before) {
        Counter c = map.get(key);
        if (c != null) {
            c.level = Math.max(0, level(c, rule, now) - 1);
            c.levelAt = now;
            if (c.lastAt == at) {
                c.lastAt = before; // a success does not restart the wait of others from this address
            }
            if (c.level == 0) {
                map.remove(key);
            }
        }
    }

    /** Milliseconds until the next attempt under {@code rule}; 0 when it may come now. */
    private static long wait(Counter c, Rule rule, long now) {
        if (c == null) {
            return 0;
        }
        double level = level(c, rule, now);
        if (level <= rule.free()) {
            return 0;
        }
        int over = (int) Math.ceil(level - rule.free()) - 1; // 0 for the first attempt past the free ones
        long delay = Math.min(rule.maxWaitMs(), 1000L << Math.min(30, Math.max(0, over)));
        return Math.max(0, c.lastAt + delay - now);
    }

    private static double level(Counter c, Rule rule, long now) {
        return Math.max(0, c.level - (double) Math.max(0, now - c.levelAt) / rule.drainMs());
    }

    /** Adds {@code n} attempts now; returns the time of the previous last attempt. */
    private static long add(Counter c, Rule rule, long now, double n) {
        long before = c.lastAt;
        c.level = level(c, rule, now) + n;
        c.levelAt = now;
        c.lastAt = now;
        return before;
    }

    private static String normalize(String username) {
        String u = username == null ? "" : username.toLowerCase(Locale.ROOT);
        return u.length() > 64 ? u.substring(0, 64) : u; // longer names are refused anyway
    }

    private static Map<String, Counter> bounded() {
        return new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Counter> eldest) {
                return size() > MAX_KEYS;
            }
        };
    }
}
