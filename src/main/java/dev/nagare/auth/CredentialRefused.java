package dev.nagare.auth;

/**
 * A credential that was presented but refused, with a reason the client may see (an expired or
 * wrongly signed JWT, say): unlike an unknown token, worth telling apart from "nobody logged in".
 */
public final class CredentialRefused extends RuntimeException {
    public CredentialRefused(String reason) {
        super(reason, null, false, false);
    }
}
