package dev.nagare.hooks;

/**
 * A backend's answer to a connect or a chat message: allowed (a message possibly with its text
 * rewritten: {@code text} non-null) or refused with a reason the client is shown.
 */
public record HookVerdict(boolean allowed, String reason, String text) {
    public static final HookVerdict ALLOW = new HookVerdict(true, null, null);

    public static HookVerdict refuse(String reason) {
        return new HookVerdict(false, reason, null);
    }
}
