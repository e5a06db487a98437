package dev.nagare.hooks;

import java.net.URI;
import java.time.Duration;

/**
 * Where connects and chat messages are sent for a verdict before they are accepted ({@code --proxy-*}).
 *
 * @param connectUrl POSTed every Socket.IO connect, or null for none
 * @param publishUrl POSTed every chat message, or null for none
 * @param timeout how long an answer may take, connection included
 * @param failOpen what a connect or message gets when the backend fails (no answer in time, a status
 *     other than 200, a reply that is not a verdict): accepted when true, refused when false
 */
public record HookConfig(URI connectUrl, URI publishUrl, Duration timeout, boolean failOpen) {
}
